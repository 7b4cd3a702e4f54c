"""Contacts that come back: follow-ups days later, and customers who found their channel closed.

A mixin of :class:`sim.des.centre.Centre` (all state lives in the centre object).

Follow-ups (retrials of abandoners, repeats of unresolved issues, returns after a false bot
containment) go to the customer's own channel, like the first contact. A contact that reaches a
live channel's human queue while the channel is closed (its opening hours, or by default the
intervals without any agent) never joins that queue; per the channel's ``closed`` setting it

- ``RETRY``: comes back after the next opening, after an exponential delay (mean
  ``closed_retry_delay_mean_s``; the draw is a world draw of the contact and attempt);
- ``SWITCH``: goes at once to ``closed_switch_to`` if that channel is open (an inbox always is),
  and is then served by that channel's rules; otherwise it retries as above;
- ``MESSAGE``: leaves a message that the channel's agents work as deferrable work from the
  opening (it never abandons; still waiting at month end it is carried like e-mail backlog).

A contact whose next try would fall after the run ends stays unserved (never offered).
"""

from __future__ import annotations

from simpy.events import NORMAL

from sim.des.contacts import MAX_FOLLOWUPS, U
from sim.des.spec import Closed
from sim.des.states import ATTEMPT, CH, HELD, MESSAGE, MET_CLOSED, NEW, ROW, STATE, SWITCHED, Due

RETRIAL, REPEAT, RETURN = range(3)
_FOLLOWUP = int(U.FOLLOWUP)  # a plain int indexes a numpy array faster than an IntEnum member


class Returns:
    """Follow-ups and closed-channel behaviour (mixin of the centre)."""

    def _follow_up(self, leg: list, kind: int, now: float) -> None:
        row, attempt = leg[ROW], leg[ATTEMPT] + 1
        if attempt > MAX_FOLLOWUPS:
            return
        ch = self.channels[self.ch_of[row]]
        if kind == RETURN:
            p, mean = 1.0, ch.bot.recontact_delay_mean_s
        elif kind == RETRIAL:
            p, mean = ch.retrial_probability, ch.retrial_delay_mean_s
        else:
            p, mean = ch.repeat_probability, ch.repeat_delay_mean_s
        if p <= 0.0 or not self.b.u[row, attempt, _FOLLOWUP] < p:  # a uniform is never below 0: no draw to read
            return
        at = now + mean * float(self.b.e[row, attempt, 1])
        if at >= self.horizon_s:
            self.followups_beyond_month += 1
            return
        delay = at - now
        due = now + delay  # what env.schedule(.., NORMAL, delay) makes the key (not always ``at``)
        self.schedule(Due(self.on_follow_up, due, leg), NORMAL, delay)

    def _follow_up_arrives(self, ev: Due) -> None:
        leg, now = ev.leg, ev.at  # ``leg``: the leg this one follows up
        self.to_human(self._new(leg[ROW], leg[ATTEMPT] + 1, now), now)  # follow-ups go straight to a human

    # ---- closed channels ------------------------------------------------------------------------
    def _closed(self, leg: list, now: float) -> None:
        """Leg ``leg`` reached its channel's human queue while the channel is closed."""
        c = leg[CH]
        ch = self.channels[c]
        leg[MET_CLOSED] = True
        action = ch.closed
        if action == Closed.SWITCH:
            to = ch.closed_switch_to
            if not leg[SWITCHED] and self.cal.is_open(to, now):
                leg[SWITCHED], leg[CH] = True, to
                self.to_human(leg, now)
                return
            action = Closed.RETRY
        at = self.cal.next_open(c, now)
        if action == Closed.MESSAGE:
            leg[MESSAGE] = True
        else:
            draws = self.b.reopen_e
            factor = 1.0 if draws is None else float(draws[leg[ROW], leg[ATTEMPT]])
            at += ch.closed_retry_delay_mean_s * factor
        leg[STATE] = HELD
        if at < self.close_s:
            self.held += 1
            delay = at - now
            self.schedule(Due(self.on_rejoin, now + delay, leg), NORMAL, delay)

    def _rejoin(self, ev: Due) -> None:
        self.held -= 1
        leg = ev.leg
        if leg[STATE] == HELD:
            leg[STATE] = NEW
            self.to_human(leg, ev.at)
