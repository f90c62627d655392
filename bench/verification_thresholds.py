"""Pick bot/verify.py's thresholds from the pairs bench/verification_pairs.py scored (see its docstring).

    python bench/verification_thresholds.py bench/out/verify-calib [LEXICAL COSINE]
"""
import sys
from pathlib import Path

WORK = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).resolve().parent / "out" / "verify-calib")
sys.argv = sys.argv[1:]
import json, numpy as np
S=np.load(WORK / "S.npy"); U=np.load(WORK / "U.npy"); K=json.load(open(WORK / "kinds.json"))
ks, ku = np.array(K["sup"]), np.array(K["uns"])
print("n", len(S), len(U))
for name, A, kinds in [("sup", S, ks), ("uns", U, ku)]:
    for k in sorted(set(kinds)):
        m = A[kinds == k]
        print(f"{name:4} {k:13} n={len(m):4} lex med {np.median(m[:,0]):.2f} p5 {np.percentile(m[:,0],5):.2f} p95 {np.percentile(m[:,0],95):.2f} | cos med {np.median(m[:,1]):.2f} p5 {np.percentile(m[:,1],5):.2f} p95 {np.percentile(m[:,1],95):.2f}")
    print(name, "all lex med %.2f p5 %.2f p95 %.2f cos med %.2f p5 %.2f p95 %.2f" % (np.median(A[:,0]), np.percentile(A[:,0],5), np.percentile(A[:,0],95), np.median(A[:,1]), np.percentile(A[:,1],5), np.percentile(A[:,1],95)))
best=[]
for L in np.arange(0.2, 0.85, 0.05):
    for C in np.arange(0.3, 0.85, 0.025):
        tp = np.mean((S[:,0]>=L-1e-9)&(S[:,1]>=C-1e-9)); tn = np.mean(~((U[:,0]>=L-1e-9)&(U[:,1]>=C-1e-9)))
        best.append((tp, tn, L, C))
print("best balanced acc with recall>=0.95:")
ok=[b for b in best if b[0]>=0.95]; ok.sort(key=lambda b: -(b[0]+b[1]))
for b in ok[:8]: print("  recall %.3f drop-unsup %.3f L %.2f C %.3f" % b)
ok=[b for b in best if b[0]>=0.90]; ok.sort(key=lambda b: -(b[0]+b[1]))
print("recall>=0.90:")
for b in ok[:4]: print("  recall %.3f drop-unsup %.3f L %.2f C %.3f" % b)
for L in [0.4,0.5,0.6]:
  lo=[b for b in best if abs(b[2]-L)<1e-6 and abs(b[3]-0.3)<1e-6][0]; print("lex only", L, "recall %.3f drop %.3f"%lo[:2])
for C in [0.5,0.55,0.6,0.65]:
  co=[b for b in best if abs(b[2]-0.2)<1e-6 and abs(b[3]-C)<1e-6]
  tp=np.mean(S[:,1]>=C); tn=np.mean(U[:,1]<C); print("cos only", C, "recall %.3f drop %.3f"%(tp,tn))
import sys
L=float(sys.argv[1]) if len(sys.argv)>1 else 0.5; C=float(sys.argv[2]) if len(sys.argv)>2 else 0.55
print("chosen", L, C)
for name, A, kinds, want in [("sup", S, ks, True), ("uns", U, ku, False)]:
    for k in sorted(set(kinds)):
        m = A[kinds == k]; keep = (m[:,0]>=L)&(m[:,1]>=C)
        print(f"  {name} {k:13} kept {keep.mean():.3f}")
