"""Every postback button the bot can send: one named action per button kind, its wire name and its payload fields.

Where a new button goes: add a constant here (a new, unused wire name), route it (`@router.on(postback=MY_ACTION)`
or a flow's `postback=MY_ACTION`), and build its buttons with `postback("label", MY_ACTION, "shown", field=value)`
(bot.messages). A button with a field its action does not declare raises, and tests/test_routing.py fails while
an action has no route or a route's action is not listed here.

Never rename a wire name: buttons already sent sit in users' chats and keep sending it. A button whose action no
route takes any more gets the stale-button answer (handlers.common).
The wire form is `a=<name>&<field>=<value>…` (parse it with bot.router.parse_postback); LINE allows 300 characters.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode


@dataclass(frozen=True)
class Action:
    """A postback action: its wire name (sent as `a`) and the payload fields its buttons may carry."""

    name: str
    fields: tuple[str, ...] = ()

    def data(self, **params) -> str:
        """The postback data of a button: 'a=<name>&k=v' (None values are left out); an undeclared field raises."""
        unknown = set(params) - set(self.fields)
        if unknown:
            raise ValueError(f"action {self.name!r} has no field {', '.join(sorted(unknown))} "
                             f"(declared: {', '.join(self.fields) or 'none'})")
        return urlencode({"a": self.name, **{k: v for k, v in params.items() if v is not None}})


# --- morning: check-in, health, check-out --------------------------------------------------------------------
CHECKIN_ARRIVE = Action("ci.arrive", ("c", "p"))            # a not-yet-arrived child tapped: arrived
CHECKIN_MISSING = Action("ci.missing", ("p",))              # the not-yet-arrived list, page p
CHECKOUT_LEAVE = Action("co.leave", ("c",))                 # a child tapped at check-out: went home
HEALTH_ALL_WELL = Action("hc.ok")                           # every child checked in today is well
HEALTH_START = Action("hc.start")                           # record symptoms: pick a child
HEALTH_PAGE = Action("hc.page", ("p",))                     # the health picker, page p
HEALTH_CHILD = Action("hc.child", ("c",))                   # record symptoms of child c
HEALTH_ITEM = Action("hc.item", ("k",))                     # a symptom ticked on or off
HEALTH_SAVE = Action("hc.save")                             # save the ticked symptoms
HEALTH_TEMP = Action("hc.temp", ("c", "t"))                 # a typed temperature t is child c's
HEALTH_HOME = Action("hc.home", ("c",))                     # send child c home (asks first)
HEALTH_HOME_YES = Action("hc.home_yes", ("c",))             # confirmed: child c goes home
PHOTO_FILE = Action("photo.file", ("to", "m"))              # file photos m as lunch or activity (`to`)
PHOTO_CHECKIN = Action("photo.checkin", ("m",))             # read photos m as QR cards
PHOTO_CLEAR = Action("photo.clear")                         # children without photo consent are not in the photo
PHOTO_WITHHOLD = Action("photo.withhold")                   # do not send the photo to parents

# --- lunch, activities, closures ------------------------------------------------------------------------------
LUNCH_CONFIRM = Action("lunch.confirm")                     # the menu as read is right
LUNCH_EDIT = Action("lunch.edit")                           # retype the menu
LUNCH_SAVE = Action("lunch.save")                           # save the lunch now
ACTIVITY_DOMAIN = Action("activity.domain", ("d",))         # the activity's development domain (d="" for none)
CLOSURE_OK = Action("cl.ok")                                # confirm a closure day

# --- leave and lateness ---------------------------------------------------------------------------------------
LEAVE_KIND = Action("ab.kind", ("k",))                      # sick, personal or late
LEAVE_CHILD = Action("ab.child", ("c",))                    # which child (c="all": all of a guardian's)
LEAVE_DAY = Action("ab.day", ("n",))                        # today (n=0) or tomorrow (n=1)
LEAVE_TIME = Action("ab.time", ("t",))                      # the expected arrival time when late
LEAVE_OK = Action("ab.ok")                                  # confirm the report
LEAVE_EDIT = Action("ab.edit")                              # change something before confirming
LEAVE_REDO = Action("ab.redo", ("f",))                      # ask field f again
LEAVE_CANCEL = Action("lv.off", ("id",))                    # cancel a reported absence
ALERT_ACK = Action("al.ack", ("id", "r"))                   # a cut-off alert answered (reason r)
ALERT_LEAVE = Action("al.leave", ("id",))                   # the alerted child is on leave: which kind
ALERT_ABSENT = Action("al.absent", ("id", "k"))             # the alerted child is absent, of kind k
ALERT_LIST = Action("al.list", ("p",))                      # today's alerts, page p

# --- the van --------------------------------------------------------------------------------------------------
VAN_PICK = Action("van.pick", ("v",))                       # the driver's van is v
VAN_BOARD = Action("van.board", ("c", "p"))                 # child c boarded
VAN_LIST = Action("van.list", ("p",))                       # the boarding list, page p

# --- children's records ---------------------------------------------------------------------------------------
CHILD_ENROL_YES = Action("ch.enrol_yes")                    # save the new child
CHILD_EDIT = Action("ch.edit", ("c",))                      # edit child c
CHILD_FIELD = Action("ch.field", ("f",))                    # the field to edit
CHILD_WITHDRAW = Action("ch.withdraw", ("c",))              # child c leaves the centre
CHILD_WITHDRAW_YES = Action("ch.withdraw_yes")              # confirmed: withdraw
CHILD_READMIT = Action("ch.readmit", ("c",))                # withdrawn child c comes back
CHILD_READMIT_YES = Action("ch.readmit_yes", ("c",))        # confirmed: re-admit child c
CARD_SHOW = Action("cd.show", ("c",))                       # child c's QR card
CARD_REISSUE = Action("cd.reissue", ("c",))                 # a new card for child c (asks first)
CARD_REISSUE_YES = Action("cd.reissue_yes", ("c", "v"))     # confirmed: card version v is replaced
GROWTH_PICK = Action("gr.pick", ("c", "w", "h"))            # typed weight w and height h are child c's
GROWTH_SAVE = Action("gr.save", ("c", "w", "h"))            # save doubtful figures anyway
GROWTH_CHART = Action("gr.chart", ("c",))                   # child c's growth chart
VACCINE_SHOW = Action("vc.show", ("c",))                    # child c's vaccine checklist
VACCINE_TICK = Action("vc.tick", ("c", "d"))                # dose d given to child c today
HOME_CHILD = Action("hp.child", ("c",))                     # the shared location is child c's home
HOME_YES = Action("hp.yes")                                 # consent given: keep the home pin
HOME_NO = Action("hp.no")                                   # no consent: keep nothing
HOME_SHOW = Action("hp.show", ("c",))                       # child c's home as a location

# --- parents --------------------------------------------------------------------------------------------------
PARENT_CODE = Action("parent.code", ("child",))             # the parent code of the child with code `child`
CONSENT_SET = Action("consent.set", ("child", "k", "g", "n"))  # consent k given (g=1) or withdrawn (g=0)
SURVEY_START = Action("survey.start", ("v", "r", "c"))      # the first score of round r at centre c
SURVEY_SCORE = Action("survey.score", ("v",))               # a score for the next question
COMPLAINT_TO = Action("complaint.to", ("to",))              # a complaint goes to the head or the LAO
COMPLAINT_STATUS = Action("complaint.status", ("n", "s"))   # complaint n is seen or done

# --- the centre's staff and settings --------------------------------------------------------------------------
STAFF_FIELD = Action("st.field", ("f",))                    # edit one's own profile field f
STAFF_OFF_PICK = Action("st.off_pick", ("s",))              # the head picked staff member s to switch off
STAFF_OFF = Action("st.off", ("s",))                        # confirmed: staff member s loses access
SETTING_CHECKOUT = Action("st.checkout", ("v",))            # check-out on (v=1) or off (v=0)
SETTING_DIGEST = Action("st.digest", ("v",))                # the daily digest to the group on or off
GROUP_REBIND = Action("group.rebind")                       # move the centre to this parent group
TEACHER_REPORT = Action("trep", ("k", "m"))                 # a teacher's centre report of kind k, month m

# --- officials ------------------------------------------------------------------------------------------------
OFFICIAL_VIEW = Action("off", ("q", "l", "u", "p"))        # view q of unit u (level l), page p
OFFICIAL_HEALTH = Action("off.health", ("u",))              # children needing special care at centre u
OFFICIAL_ALERTS = Action("off.alerts", ("u",))              # alerts at centre u
OFFICIAL_REPORT = Action("rep", ("k", "m", "l", "u", "p", "go"))  # report k, month m, unit u; go=1 makes it
EVALUATION = Action("eval", ("l", "u", "m", "p"))           # evaluation results of unit u, month m, page p
EVALUATION_CENTRE = Action("eval.centre", ("u", "m"))       # centre u's indicators in month m
SURVEY_OPEN = Action("survey.open")                         # open a new survey round

# --- rich menus -----------------------------------------------------------------------------------------------
MENU_TAB = Action("menu.tab", ("to",))                      # switch to rich-menu tab `to` (answered with silence)

ALL: tuple[Action, ...] = tuple({id(v): v for v in list(globals().values()) if isinstance(v, Action)}.values())
