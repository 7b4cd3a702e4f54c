"""The states a contact passes through inside the centre (one small int per contact leg).

NEW: not yet arrived; QUEUED: waiting for an agent; SERVING: with an agent; SILENT_GONE: left a
chat without saying so (still occupies a slot until noticed); L2_QUEUED: transferred, waiting for
level 2; DONE: served; ABANDONED: gave up while waiting; HELD: waiting for a closed channel to open;
UNSERVED: still waiting when the run ended (demand above capacity), not an abandon.
"""

NEW, QUEUED, SERVING, SILENT_GONE, L2_QUEUED, DONE, ABANDONED, HELD, UNSERVED = range(9)
