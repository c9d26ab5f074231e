"""Near-duplicate stories (issue 21): articles whose texts are near-identical (a wire
story run again, a corrected re-send, a short version of a longer one) share a story
group, built at index time and used at search time to show one hit per story.

``shingles`` says what an article's text is (the indexed words, as the index reads them),
``signature`` its shingles and winnowed anchors, ``candidates`` the pairs sharing enough
anchors, ``similarity`` the exact check every proposed pair passes, ``groups`` the story
groups, ``keys`` the story column's value, ``table`` the table that holds them and what
one build changes in it, ``store`` its files (written once: a build's changes, now and
then the whole table), ``build`` one build's part. engine/collapse.py and copies.py use
them at search time.
"""
