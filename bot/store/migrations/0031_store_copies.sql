-- copy-store's bookkeeping in the database copied into: the source (its URL, password
-- masked) and whether that copy was verified. An unfinished copy from the same source may be
-- run again (it resumes); any other record in the target is refused unless replaced.
CREATE TABLE store_copies (
    source    TEXT    NOT NULL PRIMARY KEY,
    finished  {boolean} NOT NULL DEFAULT {false}
);
