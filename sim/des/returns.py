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

from functools import partial

from sim.des.contacts import MAX_FOLLOWUPS, U
from sim.des.spec import Closed
from sim.des.states import HELD, NEW

RETRIAL, REPEAT, RETURN = range(3)


class Returns:
    """Follow-ups and closed-channel behaviour (mixin of the centre)."""

    def _follow_up(self, i: int, kind: int) -> None:
        r, b = self.r, self.b
        row, attempt = r["row"][i], r["attempt"][i] + 1
        if attempt > MAX_FOLLOWUPS:
            return
        ch = self.spec.channels[b.channel[row]]
        if kind == RETURN:
            p, mean = 1.0, ch.bot.recontact_delay_mean_s
        elif kind == RETRIAL:
            p, mean = ch.retrial_probability, ch.retrial_delay_mean_s
        else:
            p, mean = ch.repeat_probability, ch.repeat_delay_mean_s
        if not b.u[row, attempt, U.FOLLOWUP] < p:
            return
        at = self.env.now + mean * float(b.e[row, attempt, 1])
        if at >= self.horizon_s:
            self.followups_beyond_month += 1
            return
        self.env.timeout(at - self.env.now).callbacks.append(partial(self._follow_up_arrives, row, attempt))

    def _follow_up_arrives(self, row: int, attempt: int, _ev=None) -> None:
        self.to_human(self._new(row, attempt, self.env.now))  # follow-ups go straight to a human

    # ---- closed channels ------------------------------------------------------------------------
    def _closed(self, i: int) -> None:
        """Leg ``i`` reached its channel's human queue while the channel is closed."""
        r, env = self.r, self.env
        c = self.switched.get(i, self.ch_of[r["row"][i]])
        ch = self.spec.channels[c]
        self.met_closed.add(i)
        action = ch.closed
        if action == Closed.SWITCH:
            to = ch.closed_switch_to
            if i not in self.switched and self.cal.is_open(to, env.now):
                self.switched[i] = to
                self.to_human(i)
                return
            action = Closed.RETRY
        at = self.cal.next_open(c, env.now)
        if action == Closed.MESSAGE:
            self.messages.add(i)
        else:
            draws = self.b.reopen_e
            factor = 1.0 if draws is None else float(draws[r["row"][i], r["attempt"][i]])
            at += ch.closed_retry_delay_mean_s * factor
        r["state"][i] = HELD
        if at < self.close_s:
            self.held += 1
            env.timeout(at - env.now).callbacks.append(partial(self._rejoin, i))

    def _rejoin(self, i: int, _ev=None) -> None:
        self.held -= 1
        if self.r["state"][i] == HELD:
            self.r["state"][i] = NEW
            self.to_human(i)
