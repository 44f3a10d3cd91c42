"""SQLAlchemy 2 models by area; import this package to register every table on Base.metadata."""
from models.base import Base
from models.org import Province, District, Lao, Centre, Classroom
from models.people import Child, Guardian, ChildGuardian, Staff, Official
from models.identity import LineUser, LineGroup, Invite, InviteAttempt
from models.conversation import Conversation
from models.infra import InboxEvent, OutboxMessage, JobRun, AuditLog, Setting, RichMenuRecord
from models.records import Attendance, PhotoScan, Absence, Lunch, Activity, Media, Consent, Measurement, Alert, \
    Closure, VanTrip, VanBoarding, VaccineDose, PortfolioItem
from models.evaluation import Evaluation, SurveyRound, SurveyAnswer, Complaint

__all__ = [
    "Base", "Province", "District", "Lao", "Centre", "Classroom", "Child", "Guardian", "ChildGuardian",
    "Staff", "Official", "LineUser", "LineGroup", "Invite", "InviteAttempt", "Conversation",
    "InboxEvent", "OutboxMessage", "JobRun", "AuditLog", "Setting", "RichMenuRecord",
    "Attendance", "PhotoScan", "Absence", "Lunch", "Activity", "Media", "Consent", "Measurement", "Alert",
    "Closure", "VanTrip", "VanBoarding", "VaccineDose", "PortfolioItem", "Evaluation", "SurveyRound", "SurveyAnswer",
    "Complaint",
]
