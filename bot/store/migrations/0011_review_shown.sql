-- What a review message shows right now: the state ('pending', 'approved', 'posted' once its
-- piece is published, 'rejected') and the draft version its buttons carry. An edit of the
-- message that failed, or a bot stopped between a decision and the edit, leaves them behind
-- the review's own; the review loop redraws those messages and records them here.
ALTER TABLE reviews ADD COLUMN shown_state TEXT;
ALTER TABLE reviews ADD COLUMN shown_version INTEGER;
