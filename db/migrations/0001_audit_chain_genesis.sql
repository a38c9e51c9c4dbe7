-- The genesis of the audit hash chain: the first event's prev_hash is 64 zeros.
INSERT INTO `audit_chain_head` (`id`, `last_event_id`, `last_hash`) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');
