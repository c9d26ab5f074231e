"""Query execution over Whoosh's posting lists, vectorised with numpy.

The Whoosh index stays the store; this package answers queries from it:

- ``cache``: a byte-bounded LRU for decoded posting lists;
- ``view``: one open index as arrays (live documents, lengths, columns, terms);
- ``scoring``: BM25F, its parameters (defined here and nowhere else);
- ``stats``: the collection statistics scores use (the index's, or passed in);
- ``words``: one word's BM25F parts over its fields (statistics, tf, lengths);
- ``idsets``: sorted document-number arrays: intersection and union;
- ``execute``: a query plan (``searcher/plan.py``) -> matching documents and scores;
- ``filtermask``: the documents a search's filters allow, cached per commit;
- ``phrases``: phrase and proximity checks on positions, for candidates only;
- ``topk``: the best k by score or by a date column, ties by document number;
- ``facets``: keyword counts and the date histogram over a match set;
- ``explain``: one document's score as a tree of clauses, each word's BM25F parts.
"""
