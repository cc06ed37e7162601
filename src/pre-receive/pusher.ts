// Who pushed, as the hosting server tells its hooks (each names it differently). Untrusted text: it
// goes to the audit log as data, never into a shell or a message without escaping.
const PUSHER_VARIABLES = [
  "GL_USERNAME", // GitLab
  "GITHUB_USER_LOGIN", // GitHub Enterprise Server
  "GITEA_PUSHER_NAME", // Gitea / Forgejo
  "BB_USER_NAME", // Bitbucket Data Center (hook scripts plugin)
  "REMOTE_USER", // git-http-backend behind a web server
] as const;

export function pusherOf(env: NodeJS.ProcessEnv): { name?: string; source?: string } {
  for (const v of PUSHER_VARIABLES) {
    const name = env[v];
    if (name) return { name: name.slice(0, 200), source: v };
  }
  return env.USER ? { name: env.USER.slice(0, 200), source: "USER" } : {};
}
