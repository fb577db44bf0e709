-- Tuning on your own judgments
--
-- debian came without queries or qrels: recall against the exact answer and latency
-- are all there is to measure. A query set of your own changes that. Five questions a
-- Debian user asks, each with its information need (what a good answer is), shown to
-- whoever judges.
.queries debian pkgs add 'web server' need='a program that serves web pages over http'

.queries debian pkgs add 'pdf viewer' need='a desktop program to view and read pdf documents'

.queries debian pkgs add 'python linter' need='a tool that checks python source code for errors and style'

.queries debian pkgs add 'screen recorder' need='records the desktop screen to a video file'

.queries debian pkgs add 'password manager' need='stores and manages passwords in an encrypted database'

-- The set sits beside the imported splits (scifact's test split is one).
.queries debian

-- Two tries: BM25 with Anserini's BEIR constants, and one that saturates term
-- frequency later and normalizes length fully.
.try save debian base k1=0.9 b=0.4

.try save debian long k1=1.8 b=1

-- Without judgments, a comparison says how far apart the two answers are (overlap@10,
-- rank-biased overlap), not which is better.
.try compare debian base long set=pkgs

-- A judge command grades the pool of each query: the union of the top 10 of the runs
-- (here BM25 only: debian has no vectors). Samples/tutorial/judge-by-need.sh stands in
-- for a model: it counts the need's words in each package. Every grade is stored at
-- once, with its source (cmd:judge-by-need); a person's grade (the TUI's 0-3 keys)
-- would outrank it.
.judge debian pkgs cmd='sh Samples/tutorial/judge-by-need.sh' depth=10

-- Now the same comparison has nDCG@10 per query, judged@10 (the share of each top 10
-- that has a grade: a rise over ungraded packages would show here), and the paired
-- statistics of the runs. The choice between the tries is no longer a guess.
.try compare debian base long set=pkgs

-- The set is a query set like a BEIR split: .eval scores it, and quarry qrels export
-- writes its judgments for trec_eval.
.eval debian bm25 split=pkgs
