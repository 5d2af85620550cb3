-- Rate-limit counters are not worth a WAL flush per request: an unlogged table's writes skip
-- the write-ahead log, so a count commits without waiting for the disk. After a crash
-- PostgreSQL empties the table, which only restarts every client's window.
ALTER TABLE "RateLimit" SET UNLOGGED;
