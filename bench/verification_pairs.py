"""Build supported and unsupported sentence–passage pairs from RealTimeQA and score them with bot.verify.

Writes S.npy / U.npy (lexical support, cosine) and kinds.json into WORK_DIR (default bench/out/verify-calib); then run
bench/verification_thresholds.py WORK_DIR to pick the thresholds. Reads the shared corpus in place.

    python bench/verification_pairs.py bench/out/verify-calib && python bench/verification_thresholds.py bench/out/verify-calib
"""
import json, random, re, sys  # noqa: E401
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATA = ROOT.parent / "shared" / "data" / "realtimeqa"
WORK = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "bench" / "out" / "verify-calib")
WORK.mkdir(parents=True, exist_ok=True)
import numpy as np
from bot.sentences import split_sentences, content_terms, words
from bot import verify
from index.embedding import MiniLMEmbedding

rng = random.Random(7)
arts = [json.loads(l) for l in open(DATA / "articles.jsonl")]
by_id = {a["id"]: a for a in arts}
def sents(t): return [t[s:e] for s, e in split_sentences(t)]
def passages(a):
    ss = [s for s in sents(a["body"]) if len(words(s)) >= 5]
    return [ss[i:i+6] for i in range(0, len(ss), 6) if len(ss[i:i+6]) >= 4]
pool = [(a["id"], p) for a in rng.sample(arts, 400) for p in passages(a)]
rng.shuffle(pool)
sup, uns = [], []  # (claim, passage_text, kind)
def cut(s):
    w = s.split()
    if "," in s and s.index(",") < len(s) * 0.5:
        return s[s.index(",")+1:].strip().capitalize()
    return " ".join(w[: max(5, 2*len(w)//3)]) + "."
chosen = [x for x in pool if all(8 <= len(words(s)) <= 45 for s in x[1])][:120]
arts_pass = {}
for aid, p in pool: arts_pass.setdefault(aid, []).append(p)
for aid, p in chosen:
    i = rng.randrange(len(p) - 1)
    claims = [(p[i], "verbatim"), (cut(p[i]), "cut"), (p[i].rstrip(".") + ", and " + p[i+1][0].lower() + p[i+1][1:], "fused")]
    text = " ".join(p)
    others_same = [q for q in arts_pass.get(aid, []) if q is not p]
    for c, kind in claims:
        sup.append((c, text, kind))
        if others_same:
            uns.append((c, " ".join(rng.choice(others_same)), "same-article"))
        # topical: other article passage with max lexical overlap among 400 random ones
        cand = rng.sample(pool, 400)
        best = max((q for q in cand if q[0] != aid), key=lambda q: verify.lexical_support(c, " ".join(q[1])))
        uns.append((c, " ".join(best[1]), "topical"))
        r = rng.choice(pool)
        uns.append((c, " ".join(r[1]), "random"))
qs = [json.loads(l) for l in open(DATA / "dev_questions.jsonl")]
for q in qs:
    gold = [g for g in q.get("evidence_article_ids") or [] if g in by_id]
    if not gold: continue
    ps = passages(by_id[gold[0]])
    if not ps: continue
    last = re.split(r"(?<=[.!?])\s+", q["question"].strip())[-1].rstrip("?")
    last = re.sub(r"^(which|what|who|where|when|how many|how much|how)\s+", "", last, flags=re.I)
    claim = f"{q['answer']}: {last}."
    for ev in q["evidence_sentences"][:1]:
        for c, kind in [(claim, "qa-restate"), (ev, "evidence")]:
            best = max(ps, key=lambda p: verify.lexical_support(c, " ".join(p)))
            sup.append((c, " ".join(best), kind))
            other = [p for p in ps if p is not best]
            if other: uns.append((c, " ".join(rng.choice(other)), "same-article"))
print(len(sup), len(uns))
emb = MiniLMEmbedding()
E = verify._Embedder(emb)
def score(c, t):
    s = verify.support(c, t, E); return s.lexical, s.cosine
import time
t0=time.time()
S=[]
for i,(c,t,_) in enumerate(sup):
    S.append(score(c,t))
    if i%100==0: print("S",i,time.time()-t0,flush=True)
U=[]
for i,(c,t,_) in enumerate(uns):
    U.append(score(c,t))
    if i%100==0: print("U",i,time.time()-t0,flush=True)
S=np.array(S); U=np.array(U)
np.save(WORK / "S.npy", S); np.save(WORK / "U.npy", U)
json.dump({"sup": [k for *_, k in sup], "uns": [k for *_, k in uns]}, open(WORK / "kinds.json", "w"))
