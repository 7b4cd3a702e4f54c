"""The inputs: a scenario file describes a business (the world) and, optionally, one investment.

- :mod:`~sim.scenario.model`: the whole scenario and its cross-field checks;
  :mod:`~sim.scenario.world` (customers, market, experience, costs, finance) and
  :mod:`~sim.scenario.centre` (channels, reasons, bots, agent groups) are its sections.
- :mod:`~sim.scenario.investment`: the alternative to appraise and its levers' settings
  (:mod:`~sim.scenario.lever_people`, :mod:`~sim.scenario.lever_tech`).
- :mod:`~sim.scenario.loader`: YAML with ``extends:``; every problem with its file and line
  (:mod:`~sim.scenario.errors`).
- :mod:`~sim.scenario.paths`: setting paths such as ``investment.levers[0].churn_reduction``.
- :mod:`~sim.scenario.sweep_block`: the optional ``sweep:`` block.
"""

from sim.scenario.centre import AgentGroupConfig, BotConfig, CallbackConfig, ChannelConfig, Channels, EscalationConfig, ReasonConfig
from sim.scenario.errors import Problem, ScenarioError, dotted
from sim.scenario.harvest import HarvestTarget
from sim.scenario.investment import LEVER_CLASSES, LEVER_TYPES, Investment, Lever
from sim.scenario.lever_base import LaborRates, LeverBase
from sim.scenario.lever_people import EmpowermentLever, OutsourcingLever, StaffingLever, TrainingLever
from sim.scenario.lever_tech import (
                                     ChatbotLever,
                                     CrmLever,
                                     KnowledgeBaseLever,
                                     OmnichannelLever,
                                     ProactiveLever,
                                     RetentionLever,
                                     RoutingLever,
                                     WfmLever,
)
from sim.scenario.loader import load_scenario, source_files
from sim.scenario.model import Scenario
from sim.scenario.paths import parse_path, with_value, with_values
from sim.scenario.sweep_block import SweepConfig
from sim.scenario.world import ChannelMix, CostConfig, CustomerConfig, ExperienceConfig, FinanceConfig, MarketConfig, Segment

__all__ = ["LEVER_CLASSES", "LEVER_TYPES", "AgentGroupConfig", "BotConfig", "CallbackConfig", "ChannelConfig", "ChannelMix",
           "Channels", "ChatbotLever", "CostConfig", "CrmLever", "CustomerConfig", "EmpowermentLever", "EscalationConfig",
           "ExperienceConfig", "FinanceConfig", "HarvestTarget", "Investment", "KnowledgeBaseLever", "LaborRates", "Lever", "LeverBase",
           "MarketConfig", "OmnichannelLever", "OutsourcingLever", "ProactiveLever", "Problem", "ReasonConfig", "RetentionLever",
           "RoutingLever", "Scenario",
           "ScenarioError", "Segment", "StaffingLever", "SweepConfig", "TrainingLever", "dotted", "load_scenario",
           "parse_path", "source_files", "with_value", "with_values", "WfmLever"]
