"""Near-duplicate signatures: stable across versions, and alike only for copies."""

from __future__ import annotations

import hashlib

from index.dedupe import THRESHOLD, signature, similarity

BODY = " ".join(f"word{i % 37} term{i % 11}" for i in range(80))


def test_signatures_never_change_between_versions() -> None:
    # Stores keep the signatures of every article ingested so far and compare new articles with them, so a
    # change in how they are computed would silently stop duplicates from being recognised.
    sig = signature(BODY)
    assert sig is not None and sig.dtype.name == "uint32" and sig.shape == (64,)
    assert sig[:4].tolist() == [18567321, 27643206, 24385084, 3040393]
    assert hashlib.sha1(sig.tobytes()).hexdigest() == "f33404da378afe55e7d1443da1cb8bfff2c58cf9"


def test_a_copy_with_a_changed_line_is_alike_and_another_story_is_not() -> None:
    story = " ".join(f"The council voted {i} times on the budget for the harbour district." for i in range(30))
    copy = story.replace("voted 3 times", "voted three times") + " Contributing: the Associated Press."
    other = " ".join(f"The team scored {i} goals in the second half of the final." for i in range(12))
    sig, sig_copy, sig_other = signature(story), signature(copy), signature(other)
    assert sig is not None and sig_copy is not None and sig_other is not None
    assert similarity(sig, sig_copy) >= THRESHOLD
    assert similarity(sig, sig_other) < 0.2


def test_short_bodies_are_not_judged() -> None:
    assert signature("Too short to tell copies from boilerplate.") is None
