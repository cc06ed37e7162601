// Letter pairs that English words in code almost never hold: fewer than 1 in 100,000 of the letter
// pairs in the words (4+ letters, split at case changes) of the bench's SDK tree (real npm packages:
// aws-sdk, googleapis, stripe, plaid, square, …). Derived by scripts/word-bigrams.mjs; a random
// run of letters holds such pairs, a word seldom does (compounds at their seam: "semver", "upward").
const RARE = "ao bf bg bk bq bv bw bx bz cb cf cg cj cn cq cv cw cx cz dq dx dz fb fc fd fg fh fj fm fn fp fq fw fx fz gb gc gd gf gj gk gp gq gw gx gz hc hd hf hg hj hk hq hv hw hx hz ih ij iw iy jb jc jd jf jg jh ji jj jk jl jm jn jp jq jr jt jv jw jx jy jz kb kh kj kk kq kv kw kx ky kz lh lq lx lz mc mf mg mh mj mk mq mr mv mw mx mz nq nx nz oh oq oz pb pj pk pq pv pw px pz qa qb qc qd qe qf qg qh qi qj qk qm qn qo qp qr qs qt qv qw qx qy qz rh rj rq rx rz sb sg sj sx sz tj tk tq tv tx tz uh uj uk uq uv uw uy uz vb vc vd vf vg vh vj vk vl vm vn vq vr vs vt vv vw vx vy vz wb wc wd wf wg wj wk wm wp wq wt wu wv ww wx wy wz xb xd xf xg xh xj xk xn xo xq xr xs xu xv xw xz yd yf yg yh yj yk yq yu yv yx zb zc zd zf zg zh zj zk zl zm zn zp zq zr zs zt zu zv zw zx zy";

const rare = new Uint8Array(26 * 26);
for (const pair of RARE.split(" ")) rare[(pair.charCodeAt(0) - 97) * 26 + pair.charCodeAt(1) - 97] = 1;

/** Rare letter pairs in a run of ASCII letters (case ignored). */
export function rarePairs(word: string): number {
  let n = 0;
  for (let i = 0; i + 1 < word.length; i++) {
    const a = (word.charCodeAt(i) | 0x20) - 97;
    const b = (word.charCodeAt(i + 1) | 0x20) - 97;
    if (a >= 0 && a < 26 && b >= 0 && b < 26 && rare[a * 26 + b]) n++;
  }
  return n;
}
