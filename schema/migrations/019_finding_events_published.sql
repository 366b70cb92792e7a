-- The events a reader may see: those with an id up to `through`. A rescan writes a chunk's events
-- from several connections at once, and ids are taken when a row is written, not when it
-- commits, so a reader following ids could pass an id whose transaction commits later and never
-- see it. The rescanner moves `through` once every part of a chunk has committed, so every id up
-- to it is settled. (Only the rescanner writes events, one coordinator at a time.)
CREATE TABLE finding_events_published (
  through BIGINT NOT NULL
);
INSERT INTO finding_events_published SELECT COALESCE(max(id), 0) FROM finding_events;
