"""The JSON Schema of scenario files, for editors and checkers (``sim schema``).

Built from the pydantic models, then made usable for the files people actually write:

- **``extends:`` files** set only what they change, so a file with ``extends`` needs no setting
  (sections merge key by key: each section's own required settings are waived too; list items,
  which replace whole, stay complete). A file without ``extends`` must be complete.
- **Uncertain settings**: any numeric setting may be a distribution (``{dist: pert, …}``) or an
  entry of the prior library (``{prior: churn_beta}``).
- **A description for every setting**: the models' own, else :data:`DESCRIPTIONS` (by model and
  setting, or by setting name alone).

Point an editor at it with a first line ``# yaml-language-server: $schema=<path to the schema>``;
the shipped scenario files do (``docs/scenario.schema.json``).
"""

from __future__ import annotations

import copy
from typing import Any

from sim.scenario.model import Scenario
from sim.scenario.uncertain import load_priors

DIST_DEFS = ("Triangular", "Pert", "Uniform", "Normal", "Lognormal", "Beta", "Gamma")
NOT_UNCERTAIN = set(DIST_DEFS) | {"RankCorrelation", "SweepConfig", "Scenario"}
PARTIAL = "Partial"

DESCRIPTIONS: dict[str, str] = {
    # by model.setting
    "Scenario.name": "label of the scenario (shown in reports)",
    "Scenario.description": "what this scenario describes (shown in reports)",
    "Scenario.replications": "Monte Carlo replications per arm (sim run --reps overrides)",
    "Scenario.horizon_months": "appraisal horizon in months; payback beyond it is reported as never",
    "Scenario.days_per_month": "simulated days per month (the daily pattern repeats)",
    "Scenario.interval_min": "resolution of schedules and interval KPIs, minutes (15, 30 or 60)",
    "Scenario.customers": "the customer base: size, churn, prices, contact rate, segments",
    "Scenario.experience": "how a contact is scored and how experience moves satisfaction, churn and referrals",
    "Scenario.channels": "the contact channels and their queues, staffing and bots",
    "Scenario.escalation": "level-2 handling of transferred contacts",
    "Scenario.costs": "labour and tooling costs",
    "Scenario.market": "market size and word of mouth (null size = unlimited market)",
    "Scenario.finance": "risk adjustment of benefit lines and investment costs (TEI style)",
    "Scenario.investment": "the alternative to appraise against the baseline (its levers)",
    "Investment.name": "name of the investment (an option in the decision; not 'baseline')",
    "Investment.description": "what the investment is (shown in reports)",
    "Investment.levers": "what the investment changes: one or more levers, combined",
    "AgentGroupConfig.name": "name of the agent group",
    "AgentGroupConfig.channels": "channels the group serves",
    "ReasonConfig.name": "name of the contact reason",
    "ReasonConfig.distribution": "handle-time distribution of this reason (lognormal, gamma or exponential)",
    "Segment.name": "name of the customer segment",
    "Segment.price_usd_per_month": "revenue per customer-month in this segment, USD",
    "Segment.monthly_churn": "base churn per month in this segment (unset = customers.monthly_churn); "
                             "overrides customers.monthly_churn for the segment",
    "Segment.contact_rate_multiplier": "contacts per customer-month relative to customers.contact_rate_per_month",
    "Segment.referral_multiplier": "referral propensity relative to the average customer",
    "ChannelMix.phone": "share of contacts by phone (shares are normalised)",
    "ChannelMix.chat": "share of contacts by chat (shares are normalised)",
    "ChannelMix.email": "share of contacts by e-mail (shares are normalised)",
    "ChannelMix.social": "share of contacts by social media (shares are normalised)",
    "Channels.phone": "the phone channel (live: customers wait and may abandon)",
    "Channels.chat": "the chat channel (live; agents handle several chats at once)",
    "Channels.email": "the e-mail channel (deferrable: a backlog carried over, no abandonment)",
    "Channels.social": "the social-media channel (deferrable, like e-mail)",
    "ChannelConfig.bot": "a chatbot / AI voice agent in front of this live channel",
    "ChannelConfig.callback": "virtual hold: a callback offered when the estimated wait is long",
    "ChannelConfig.repeat_delay_mean_days": "mean days before an unresolved issue comes back, days",
    "ChannelConfig.retrial_delay_mean_s": "mean delay before an abandoner calls again, seconds",
    "CallbackConfig.offer_when_wait_s": "offer a callback when the estimated wait exceeds this, seconds",
    "CallbackConfig.accept_probability": "share of offered customers who accept the callback",
    "BotConfig.session_s": "mean length of a bot session, seconds",
    "BotConfig.recontact_delay_days": "days within which a falsely contained customer comes back",
    "BotConfig.cost_per_session_usd": "variable cost per bot session, USD",
    "ScheduleConfig.shifts": "the shifts of the plan: start, paid length, headcount, weekdays, breaks",
    "CostConfig.agent_salary_usd_per_year": "agent salary per year, USD",
    "CostConfig.load_factor": "salary multiplier for benefits and overhead (loaded cost)",
    "CostConfig.shrinkage": "share of paid time not on the floor (breaks, training, absence)",
    "CostConfig.paid_hours_per_year": "paid hours per agent per year",
    "CostConfig.tooling_usd_per_agent_month": "tooling cost per agent per month, USD",
    "CustomerConfig.channel_mix": "share of contacts per channel",
    "CustomerConfig.satisfaction_initial_mean": "mean satisfaction of the initial customers (0-10 scale)",
    "CustomerConfig.satisfaction_initial_sd": "spread of the initial satisfaction",
    "CustomerConfig.initial_tenure_max_months": "initial customers' tenure drawn up to this many months",
    "EscalationConfig.l2_handle_factor": "level-2 handle time relative to level 1",
    "EscalationConfig.l2_fcr": "share of transferred issues level 2 resolves",
    "ExperienceConfig.neutral_score": "contact score that neither raises nor lowers satisfaction",
    "ExperienceConfig.wait_weight": "weight of waiting beyond the expected wait in a contact's score",
    "ExperienceConfig.resolution_weight": "weight of resolution in a contact's score",
    "ExperienceConfig.memory_tenure_scale_months": "tenure over which memory of past experience fades, months",
    "ExperienceConfig.survey_response_rate": "share of contacts answering the survey",
    "ExperienceConfig.csat_noise_sd": "noise of a CSAT answer (1-5 scale)",
    "ExperienceConfig.ces_noise_sd": "noise of a CES answer (1-7 scale)",
    "ExperienceConfig.nps_noise_sd": "noise of an NPS answer (0-10 scale)",
    "ExperienceConfig.referral_rate_per_promoter_month": "referrals a promoter makes per month",
    "ExperienceConfig.referral_conversion": "share of referrals who become customers",
    "FinanceConfig.benefit_risk_by_line": "haircut per benefit line (retained_margin, referral_margin, upsell_margin, "
                                          "cost_to_serve); overrides benefit_risk for that line",
    "MarketConfig.network": "word of mouth: fully_mixed, or a random network (needs market.size)",
    "SweepConfig.design": "design of experiments: grid, lhs, sobol or morris",
    "SweepConfig.replications": "replications per design point",
    "CrmLever.handle_time_reduction": "relative cut in handle time on the lever's channels",
    "ChatbotLever.channel": "the live channel the bot sits in front of",
    "OutsourcingLever.cost_per_handled_contact_usd": "partner's price per handled contact, USD",
    "OutsourcingLever.cost_per_seat_hour_usd": "partner's price per seat-hour, USD",
    "ProactiveLever.cost_per_message_usd": "cost of one proactive message, USD",
    # by setting name, any model
    "channels": "channels this applies to",
    "implementation_months": "months of implementation before the lever starts (spent before its start)",
    "implementation_usd_per_month": "implementation spend per month before the start, USD",
    "type": "the kind of lever (staffing, training, outsourcing, empowerment, chatbot, knowledge_base, crm, proactive, retention)",
    "dist": "the form of the distribution",
    "low": "lowest value", "high": "highest value", "mode": "most likely value",
    "mean": "mean of the value", "sd": "standard deviation of the value",
    "alpha": "Beta shape alpha", "beta": "Beta shape beta",
}


def _describe(defs: dict, root: dict) -> None:
    for name, d in [("Scenario", root), *defs.items()]:
        for key, sub in d.get("properties", {}).items():
            if "description" not in sub:
                text = DESCRIPTIONS.get(f"{name}.{key}") or DESCRIPTIONS.get(key)
                if text:
                    sub["description"] = text


def _is_number(s: dict) -> bool:
    if s.get("type") in ("number", "integer"):
        return True
    return any(x.get("type") in ("number", "integer") for x in s.get("anyOf", []))


def _uncertain(s: dict) -> dict:
    keep = {k: s[k] for k in ("description", "default", "title") if k in s}
    body = {k: v for k, v in s.items() if k not in keep}
    return {**keep, "anyOf": [body, {"$ref": "#/$defs/UncertainValue"}]}


def _allow_uncertain(defs: dict) -> None:
    for name, d in defs.items():
        if name in NOT_UNCERTAIN:
            continue
        for key, sub in d.get("properties", {}).items():
            if _is_number(sub):
                d["properties"][key] = _uncertain(sub)
            elif isinstance(sub.get("additionalProperties"), dict) and _is_number(sub["additionalProperties"]):
                sub["additionalProperties"] = _uncertain(sub["additionalProperties"])


def _partial_ref(s: Any, partial: set[str]) -> Any:
    """A property schema with its object references (not list items) pointed at the partial definitions."""
    if isinstance(s, dict):
        if "$ref" in s and s["$ref"].split("/")[-1] in partial:
            return {**s, "$ref": s["$ref"] + PARTIAL}
        if "anyOf" in s:
            return {**s, "anyOf": [_partial_ref(x, partial) for x in s["anyOf"]]}
        if isinstance(s.get("additionalProperties"), dict) and "$ref" in s["additionalProperties"]:
            return {**s, "additionalProperties": _partial_ref(s["additionalProperties"], partial)}
    return s


def _partial(d: dict, partial: set[str]) -> dict:
    p = copy.deepcopy(d)
    p.pop("required", None)
    p["properties"] = {k: _partial_ref(v, partial) for k, v in p.get("properties", {}).items()}
    return p


def editor_schema() -> dict:
    """The JSON Schema (draft 2020-12) of a scenario file, complete or ``extends:``-ing another."""
    full = Scenario.model_json_schema()
    defs = full.pop("$defs")
    _describe(defs, full)
    priors = load_priors()
    defs["PriorRef"] = {"type": "object", "additionalProperties": False, "required": ["prior"],
                        "description": "an entry of the shipped prior library (sim/scenario/priors.yaml) in place of the number",
                        "properties": {"prior": {"enum": sorted(priors), "description": "name of the prior"}}}
    defs["UncertainValue"] = {"description": "an uncertain setting: a distribution or a prior of the library",
                              "anyOf": [*({"$ref": f"#/$defs/{n}"} for n in DIST_DEFS if n in defs), {"$ref": "#/$defs/PriorRef"}]}
    _allow_uncertain(defs)
    partial = {n for n, d in defs.items() if d.get("type") == "object" and "properties" in d
               and n not in NOT_UNCERTAIN | {"PriorRef"}}
    for n in sorted(partial):
        defs[n + PARTIAL] = _partial(defs[n], partial)
    required = full.get("required", [])
    complete = {k: v for k, v in full["properties"].items() if k in required or "$ref" in str(v)}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "sim scenario file",
        "description": "A business (the world) and optionally one investment; a file with `extends` sets only what it "
                       "changes. Generated by `sim schema`.",
        "type": "object",
        "additionalProperties": False,
        "properties": {k: _partial_ref(v, partial) for k, v in full["properties"].items()},
        "if": {"not": {"required": ["extends"]}},
        "then": {"required": required, "properties": complete},
        "$defs": defs,
    }
