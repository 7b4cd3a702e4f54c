"""The catalogue of investment levers (see :mod:`sim.investments`)."""

from sim.levers.base import ExtraGroup, LaborRates, LeverBase, MonthEffects
from sim.levers.people import EmpowermentLever, OutsourcingLever, StaffingLever, TrainingLever
from sim.levers.tech import ChatbotLever, CrmLever, KnowledgeBaseLever, ProactiveLever, RetentionLever

LEVER_TYPES = {cls.model_fields["type"].annotation.__args__[0]: cls for cls in (
    StaffingLever, TrainingLever, OutsourcingLever, EmpowermentLever,
    ChatbotLever, KnowledgeBaseLever, CrmLever, ProactiveLever, RetentionLever)}

__all__ = ["LEVER_TYPES", "ChatbotLever", "CrmLever", "EmpowermentLever", "ExtraGroup", "KnowledgeBaseLever",
           "LaborRates", "LeverBase", "MonthEffects", "OutsourcingLever", "ProactiveLever", "RetentionLever",
           "StaffingLever", "TrainingLever"]
