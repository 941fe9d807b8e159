"""Every text the web app shows, in one place per language: a translation is one more
`Strings(...)` in `CATALOGUES`. Templates read them as `s.<name>`; values with `{name}`
placeholders are filled with `str.format`."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Strings:
    app_name: str
    skip_to_content: str
    nav_label: str
    nav_today: str
    nav_week: str
    nav_timeoff: str
    nav_statements: str
    nav_password: str
    nav_team: str
    nav_approvals: str
    nav_admin: str
    sign_out: str
    signed_in_as: str

    sign_in_title: str
    email: str
    password: str
    workspace: str
    workspace_hint: str
    sign_in: str
    signed_out_notice: str

    form_problem: str

    clock_title: str
    clock_state_out: str
    clock_state_in: str
    clock_state_break: str
    clock_in: str
    clock_out: str
    break_start: str
    break_end: str
    no_employee_record: str

    timer_title: str
    timer_running: str
    timer_idle: str
    timer_start: str
    timer_stop: str

    week_title: str
    week_previous: str
    week_next: str
    week_this: str
    presence_title: str
    presence_none: str
    presence_open: str
    started: str
    ended: str
    breaks: str
    worked: str
    entries_title: str
    entries_none: str
    entry_add: str
    entry_edit: str
    entry_delete: str
    entry_save: str
    entry_locked: str
    entry_locked_notice: str
    entry_booked_by_timeoff: str
    totals_title: str
    day: str
    norm: str
    credited: str
    flex: str
    total: str
    balances_title: str
    balances_none: str

    date: str
    duration: str
    duration_hint: str
    duration_unreadable: str
    activity: str
    project: str
    no_project: str
    note: str
    cancel: str

    timeoff_title: str
    timeoff_balances: str
    timeoff_policy: str
    timeoff_balance: str
    timeoff_pending: str
    timeoff_planned: str
    timeoff_available: str
    timeoff_requests: str
    timeoff_none: str
    timeoff_request: str
    timeoff_start: str
    timeoff_end: str
    timeoff_portion: str
    portion_full: str
    portion_first_half: str
    portion_second_half: str
    timeoff_cancel: str
    unit_days: str
    unit_hours: str
    status_names: dict[str, str]

    statements_title: str
    statements_none: str
    statement_overtime: str
    statement_payout: str
    statement_payout_hint: str
    statement_submit: str
    statement_stale: str
    statement_errors: str

    password_title: str
    current_password: str
    new_password: str
    password_change: str
    password_changed: str

    error_title: dict[int, str]
    error_help: str
    error_request_id: str
    csrf_refused: str
    back_home: str

    # team pages
    team_title: str
    team_views: str
    team_today_link: str
    team_week_link: str
    team_week_title: str
    team_week_legend: str
    team_unit: str
    team_all_units: str
    team_show: str
    team_summary: str
    team_people: str
    team_name: str
    team_state: str
    team_entries: str
    team_since: str
    team_none: str
    team_states: dict[str, str]

    # approval pages
    approvals_title: str
    approvals_kind: str
    approvals_all_kinds: str
    approvals_show: str
    approvals_kind_names: dict[str, str]
    approvals_empty: str
    approvals_empty_filtered: str
    approvals_period: str
    approvals_asked: str
    approvals_requested_at: str
    approvals_statement_asked: str
    approvals_week_asked: str
    approvals_via_delegation: str
    approvals_item: str
    approvals_select: str
    approvals_note: str
    approvals_note_hint: str
    approvals_approve_selected: str
    approvals_reject_selected: str
    approvals_approve: str
    approvals_reject: str
    approvals_decided: str
    approvals_none_chosen: str
    approvals_not_decided: str
    approvals_next_page: str
    approvals_first_page: str

    # admin pages
    admin_employees: str
    admin_org_units: str
    admin_activities: str
    admin_projects: str
    admin_api_keys: str
    admin_search: str
    admin_search_label: str
    admin_pages: str
    admin_first_page: str
    admin_next_page: str
    admin_none: str
    admin_create: str
    admin_save: str
    admin_name: str
    admin_effective_from: str
    admin_effective_hint: str
    admin_history: str
    admin_from: str
    admin_to: str
    admin_open_ended: str
    admin_date_unreadable: str
    admin_employee_new: str
    admin_employee_edit: str
    admin_employee_number: str
    admin_first_name: str
    admin_last_name: str
    admin_org_unit: str
    admin_no_org_unit: str
    admin_terms: str
    admin_no_terms: str
    admin_user: str
    admin_no_user: str
    admin_weekly_pattern: str
    admin_weekdays: tuple[str, ...]
    admin_week_hours: str
    admin_employee_delete: str
    admin_employee_delete_hint: str
    admin_org_unit_tree: str
    admin_org_unit_new: str
    admin_org_unit_edit: str
    admin_unit_type: str
    admin_unit_types: dict[str, str]
    admin_parent: str
    admin_no_parent: str
    admin_valid_to: str
    admin_org_unit_delete: str
    admin_org_unit_delete_hint: str
    admin_keys_intro: str
    admin_service_users: str
    admin_service_users_none: str
    admin_service_user_new: str
    admin_role: str
    admin_my_keys: str
    admin_keys_none: str
    admin_key_name: str
    admin_key_prefix: str
    admin_key_created: str
    admin_key_last_used: str
    admin_key_never_used: str
    admin_key_expires: str
    admin_key_no_expiry: str
    admin_key_expires_hint: str
    admin_key_issue: str
    admin_key_revoke: str
    admin_key_revoke_named: str
    admin_key_created_title: str
    admin_key_shown_once: str
    admin_key_owner: str
    admin_key_secret: str
    admin_key_copy_hint: str
    admin_key_usage: str
    admin_back_to_keys: str

    catalog_as_of: str
    catalog_show: str
    catalog_archived_filters: dict[str, str]
    catalog_apply: str
    catalog_in_force_on: str
    catalog_none: str
    catalog_pages: str
    catalog_page: str
    catalog_previous: str
    catalog_next: str
    catalog_name: str
    catalog_key: str
    catalog_key_hint: str
    catalog_type: str
    catalog_type_names: dict[str, str]
    catalog_parent: str
    catalog_no_parent: str
    catalog_billable: str
    catalog_requires_project: str
    catalog_hourly_rate: str
    catalog_hourly_rate_in: str
    catalog_amount_unreadable: str
    catalog_color: str
    catalog_color_hint: str
    catalog_archived: str
    catalog_yes: str
    catalog_no: str
    catalog_effective_from: str
    catalog_effective_from_hint: str
    catalog_change: str
    catalog_change_from: str
    catalog_change_from_hint: str
    catalog_save: str
    catalog_history: str
    catalog_version_from: str
    catalog_version_until: str
    catalog_open_ended: str
    catalog_superseded: str
    catalog_delete: str
    catalog_delete_hint: str
    catalog_new_activity: str
    catalog_create_activity: str
    catalog_edit_activity: str
    catalog_back_to_activities: str
    catalog_customers: str
    catalog_customer: str
    catalog_no_customer: str
    catalog_new_customer: str
    catalog_create_customer: str
    catalog_manager_approval: str
    catalog_budget: str
    catalog_budget_kinds: dict[str, str]
    catalog_budget_amount: str
    catalog_budget_hint: str
    catalog_hours_unreadable: str
    catalog_new_project: str
    catalog_create_project: str
    catalog_edit_project: str
    catalog_back_to_projects: str
    # kiosk page
    kiosk_title: str
    kiosk_setup_title: str
    kiosk_setup_hint: str
    kiosk_token: str
    kiosk_set_up: str
    kiosk_token_refused: str
    kiosk_token_lost: str
    kiosk_settings: str
    kiosk_forget: str
    kiosk_forget_hint: str
    kiosk_identify_title: str
    kiosk_badge: str
    kiosk_pin: str
    kiosk_continue: str
    kiosk_unknown: str
    kiosk_unreadable: str
    kiosk_locked: str
    kiosk_greeting: str
    kiosk_states: dict[str, str]
    kiosk_done: dict[str, str]
    kiosk_visit_expired: str
    kiosk_next_person: str


ENGLISH = Strings(
    app_name="Timeledger",
    skip_to_content="Skip to content",
    nav_label="Main",
    nav_today="Today",
    nav_week="My week",
    nav_timeoff="My time off",
    nav_statements="My statements",
    nav_password="Password",
    nav_team="Team",
    nav_approvals="Approvals",
    nav_admin="Administration",
    sign_out="Sign out",
    signed_in_as="Signed in as {name}",
    sign_in_title="Sign in",
    email="Email",
    password="Password",
    workspace="Workspace",
    workspace_hint="Your email signs in to several workspaces: choose one.",
    sign_in="Sign in",
    signed_out_notice="You are signed out.",
    form_problem="Please correct the problem below.",
    clock_title="Clock",
    clock_state_out="You are clocked out.",
    clock_state_in="Clocked in since {since}.",
    clock_state_break="On a break since {since} (clocked in since {clocked_in}).",
    clock_in="Clock in",
    clock_out="Clock out",
    break_start="Start a break",
    break_end="End the break",
    no_employee_record=(
        "You have no employee record, so you cannot record time; an administrator can link "
        "you to one."
    ),
    timer_title="Timer",
    timer_running="Running since {since} on {activity}.",
    timer_idle="No timer is running.",
    timer_start="Start timer",
    timer_stop="Stop timer",
    week_title="Week of {first}",
    week_previous="Previous week",
    week_next="Next week",
    week_this="This week",
    presence_title="Presence",
    presence_none="No presence this week.",
    presence_open="still in",
    started="In",
    ended="Out",
    breaks="Breaks",
    worked="Worked",
    entries_title="Time entries",
    entries_none="No entries this week.",
    entry_add="Add an entry",
    entry_edit="Edit",
    entry_delete="Delete",
    entry_save="Save",
    entry_locked="Locked",
    entry_locked_notice="This entry is locked: it can no longer be changed.",
    entry_booked_by_timeoff="Booked by a time-off request: cancel the request to change it.",
    totals_title="Totals",
    day="Day",
    norm="Norm",
    credited="Credited",
    flex="Flex",
    total="Week",
    balances_title="Balances",
    balances_none="No balances.",
    date="Date",
    duration="Duration",
    duration_hint="Hours and minutes, such as 1:30, or hours, such as 1.5.",
    duration_unreadable="Write the duration as hours:minutes (1:30) or hours (1.5).",
    activity="Activity",
    project="Project",
    no_project="No project",
    note="Note",
    cancel="Cancel",
    timeoff_title="My time off",
    timeoff_balances="Balances",
    timeoff_policy="Kind",
    timeoff_balance="Balance",
    timeoff_pending="Waiting",
    timeoff_planned="Planned",
    timeoff_available="Available",
    timeoff_requests="Requests",
    timeoff_none="No requests yet.",
    timeoff_request="Request time off",
    timeoff_start="First day",
    timeoff_end="Last day",
    timeoff_portion="Portion",
    portion_full="Whole days",
    portion_first_half="First half of the day",
    portion_second_half="Second half of the day",
    timeoff_cancel="Cancel request",
    unit_days="{amount} days",
    unit_hours="{amount} h",
    status_names={
        "requested": "Waiting for approval",
        "approved": "Approved",
        "rejected": "Rejected",
        "cancelled": "Cancelled",
        "draft": "Draft",
        "submitted": "Submitted",
        "settled": "Settled",
        "exported": "Exported",
    },
    statements_title="My statements",
    statements_none="No statements yet.",
    statement_overtime="Overtime",
    statement_payout="Pay out",
    statement_payout_hint="Of the overtime, how much to pay out; the rest goes to your flex.",
    statement_submit="Submit",
    statement_stale="Your time changed after you submitted: withdraw and submit again.",
    statement_errors="{count} problem(s) to fix before you can submit.",
    password_title="Change your password",
    current_password="Current password",
    new_password="New password",
    password_change="Change password",
    password_changed="Your password is changed; your other sessions are signed out.",
    error_title={
        400: "This request cannot be handled",
        403: "You may not do this",
        404: "Not found",
        409: "This cannot be done now",
        422: "This cannot be done",
        423: "Locked",
        429: "Too many attempts",
        500: "Something went wrong",
    },
    error_help="If this keeps happening, tell your administrator.",
    error_request_id="Quote request id {request_id} when reporting it.",
    csrf_refused=(
        "This form has expired or was sent from another site. Reload the page and try again."
    ),
    back_home="Back to today",
    # team pages
    team_title="My team today",
    team_views="Team views",
    team_today_link="Today",
    team_week_link="Team week",
    team_week_title="Team week of {first}",
    team_week_legend="Each day: worked, then registered in entries, then the norm (hours:minutes).",
    team_unit="Org unit",
    team_all_units="All units",
    team_show="Show",
    team_summary="Summary",
    team_people="People",
    team_name="Name",
    team_state="State",
    team_entries="Entries",
    team_since="since {since}",
    team_none="Nobody to show.",
    team_states={
        "in": "In",
        "on_break": "On a break",
        "out": "Out",
        "off": "Off",
        "forgot": "Forgot to clock out",
        "not_in": "Not in yet",
    },
    # approval pages
    approvals_title="Approvals",
    approvals_kind="Kind",
    approvals_all_kinds="All kinds",
    approvals_show="Show",
    approvals_kind_names={
        "timeoff": "Time off",
        "statement": "Statement",
        "project_entries": "Project week",
    },
    approvals_empty="Nothing awaits your decision. All done!",
    approvals_empty_filtered="Nothing of this kind awaits your decision.",
    approvals_period="Period",
    approvals_asked="Asked",
    approvals_requested_at="Submitted",
    approvals_statement_asked="{worked} worked of {norm}, overtime {overtime}",
    approvals_week_asked="{minutes} h in {entries} entries",
    approvals_via_delegation="Delegated to you",
    approvals_item="{kind} of {name}",
    approvals_select="Select",
    approvals_note="Comment",
    approvals_note_hint="Sent with the decision; the employee sees it.",
    approvals_approve_selected="Approve selected",
    approvals_reject_selected="Reject selected",
    approvals_approve="Approve",
    approvals_reject="Reject",
    approvals_decided="Decided: {count}.",
    approvals_none_chosen="Select at least one item, or use an item's own button.",
    approvals_not_decided="Not decided:",
    approvals_next_page="Next page",
    approvals_first_page="First page",
    # admin pages
    admin_employees="Employees",
    admin_org_units="Org units",
    admin_activities="Activities",
    admin_projects="Projects",
    admin_api_keys="API keys",
    admin_search="Search",
    admin_search_label="Name, email or number",
    admin_pages="Pages",
    admin_first_page="First page",
    admin_next_page="Next page",
    admin_none="Nothing here yet.",
    admin_create="Create",
    admin_save="Save",
    admin_name="Name",
    admin_effective_from="Effective from",
    admin_effective_hint="The values apply from this day on; the days before keep theirs.",
    admin_history="History",
    admin_from="From",
    admin_to="To",
    admin_open_ended="until further notice",
    admin_date_unreadable="Give a date as YYYY-MM-DD.",
    admin_employee_new="New employee",
    admin_employee_edit="Edit employee",
    admin_employee_number="Employee number",
    admin_first_name="First name",
    admin_last_name="Last name",
    admin_org_unit="Org unit",
    admin_no_org_unit="No org unit",
    admin_terms="Employment terms",
    admin_no_terms="No employment terms",
    admin_user="Signs in as",
    admin_no_user="Nobody (no sign-in)",
    admin_weekly_pattern="Planned hours per weekday",
    admin_weekdays=("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
    admin_week_hours="Hours a week",
    admin_employee_delete="Delete employee",
    admin_employee_delete_hint=(
        "The record is removed from the lists; its time stays, and the person can be linked again."
    ),
    admin_org_unit_tree="The organization",
    admin_org_unit_new="New org unit",
    admin_org_unit_edit="Edit org unit",
    admin_unit_type="Type",
    admin_unit_types={
        "project": "Project",
        "subsidiary": "Subsidiary",
        "partner": "Partner",
        "client": "Client",
        "supplier": "Supplier",
        "branch": "Branch",
        "department": "Department",
        "team": "Team",
        "other": "Other",
    },
    admin_parent="Belongs to",
    admin_no_parent="Nothing (top level)",
    admin_valid_to="Valid until",
    admin_org_unit_delete="Delete org unit",
    admin_org_unit_delete_hint="Only a unit without units or employees below it can be deleted.",
    admin_keys_intro=(
        "API keys let programs use the API. A key's secret is shown once, when it is issued."
    ),
    admin_service_users="Service users",
    admin_service_users_none="No service users yet.",
    admin_service_user_new="New service user",
    admin_role="Role",
    admin_my_keys="My personal keys",
    admin_keys_none="No keys.",
    admin_key_name="Key name",
    admin_key_prefix="Prefix",
    admin_key_created="Created",
    admin_key_last_used="Last used",
    admin_key_never_used="never",
    admin_key_expires="Expires",
    admin_key_no_expiry="never",
    admin_key_expires_hint="Optional: the key stops working as this day begins.",
    admin_key_issue="Issue a key",
    admin_key_revoke="Revoke",
    admin_key_revoke_named="Revoke {name} ({prefix})",
    admin_key_created_title="The new API key",
    admin_key_shown_once="This is the only time the key is shown. Copy it now.",
    admin_key_owner="For",
    admin_key_secret="Key",
    admin_key_copy_hint=(
        "Select the key and copy it into the program's settings; it cannot be shown again, only "
        "revoked."
    ),
    admin_key_usage="Programs send it in the header Authorization: Bearer followed by the key.",
    admin_back_to_keys="Back to the API keys",
    catalog_as_of="As of",
    catalog_show="Show",
    catalog_archived_filters={"all": "All", "live": "Not archived", "archived": "Archived"},
    catalog_apply="Show",
    catalog_in_force_on="In force on {day}",
    catalog_none="Nothing to show.",
    catalog_pages="Pages",
    catalog_page="Page {page}",
    catalog_previous="Previous page",
    catalog_next="Next page",
    catalog_name="Name",
    catalog_key="Key",
    catalog_key_hint="Optional: a stable code of letters, digits, _ . and -.",
    catalog_type="Type",
    catalog_type_names={
        "work": "Work",
        "timeoff": "Time off",
        "non-work": "Non-work",
        "allowance": "Allowance",
    },
    catalog_parent="Parent activity",
    catalog_no_parent="None (top level)",
    catalog_billable="Billable",
    catalog_requires_project="Needs a project",
    catalog_hourly_rate="Hourly rate",
    catalog_hourly_rate_in="Hourly rate ({currency})",
    catalog_amount_unreadable="Type an amount such as 85.50.",
    catalog_color="Colour",
    catalog_color_hint="Optional, as #RRGGBB.",
    catalog_archived="Archived",
    catalog_yes="Yes",
    catalog_no="No",
    catalog_effective_from="In force from",
    catalog_effective_from_hint="It does not exist before this date.",
    catalog_change="Change",
    catalog_change_from="Change from",
    catalog_change_from_hint=(
        "The values below apply from this date on; before it the earlier values stay."
    ),
    catalog_save="Save the change",
    catalog_history="History",
    catalog_version_from="From",
    catalog_version_until="Until",
    catalog_open_ended="Until further notice",
    catalog_superseded="Replaced the same day",
    catalog_delete="Delete",
    catalog_delete_hint="Only possible while nothing refers to it any more.",
    catalog_new_activity="New activity",
    catalog_create_activity="Create the activity",
    catalog_edit_activity="Activity {name}",
    catalog_back_to_activities="All activities",
    catalog_customers="Customers",
    catalog_customer="Customer",
    catalog_no_customer="No customer",
    catalog_new_customer="New customer",
    catalog_create_customer="Create the customer",
    catalog_manager_approval="Needs the project manager's approval",
    catalog_budget="Budget",
    catalog_budget_kinds={"none": "No budget", "hours": "Hours", "money": "Money"},
    catalog_budget_amount="Budget amount",
    catalog_budget_hint="Hours (120 or 7:30) for a budget in hours, {currency} for one in money.",
    catalog_hours_unreadable="Type hours such as 120, 7.5 or 7:30.",
    catalog_new_project="New project",
    catalog_create_project="Create the project",
    catalog_edit_project="Project {name}",
    catalog_back_to_projects="All projects",
    # kiosk page
    kiosk_title="Kiosk",
    kiosk_setup_title="Set up this kiosk",
    kiosk_setup_hint=(
        "An administrator pastes the kiosk's device token (tl_kd_…), shown once when the "
        "kiosk was registered. This browser keeps it; nobody signs in here."
    ),
    kiosk_token="Device token",
    kiosk_set_up="Set up the kiosk",
    kiosk_token_refused="This is not a kiosk's device token, or the token was replaced.",
    kiosk_token_lost=(
        "This kiosk's device token no longer works: it was replaced or the kiosk was deleted. "
        "An administrator can set it up again."
    ),
    kiosk_settings="Kiosk settings",
    kiosk_forget="Forget this kiosk",
    kiosk_forget_hint="Removes the device token from this browser: it must be set up again.",
    kiosk_identify_title="Clock in or out",
    kiosk_badge="Badge number",
    kiosk_pin="PIN",
    kiosk_continue="Continue",
    kiosk_unknown="No badge with this PIN is known at this kiosk.",
    kiosk_unreadable="Type your badge number and your PIN (4 to 8 digits).",
    kiosk_locked="Too many wrong PINs for this badge: try again in {minutes} min.",
    kiosk_greeting="Hello, {name}",
    kiosk_states={
        "out": "You are clocked out.",
        "in": "You are clocked in.",
        "on_break": "You are on a break.",
    },
    kiosk_done={
        "clock_in": "Clocked in at {time}, {name}.",
        "clock_out": "Clocked out at {time}, {name}. Goodbye!",
        "break_start": "Break started at {time}, {name}.",
        "break_end": "Break ended at {time}, {name}. Welcome back!",
    },
    kiosk_visit_expired="That took too long: please identify again.",
    kiosk_next_person="Next person",
)

GERMAN = Strings(
    app_name="Timeledger",
    skip_to_content="Zum Inhalt springen",
    nav_label="Hauptmenü",
    nav_today="Heute",
    nav_week="Meine Woche",
    nav_timeoff="Meine Abwesenheiten",
    nav_statements="Meine Abrechnungen",
    nav_password="Passwort",
    nav_team="Team",
    nav_approvals="Genehmigungen",
    nav_admin="Verwaltung",
    sign_out="Abmelden",
    signed_in_as="Angemeldet als {name}",
    sign_in_title="Anmelden",
    email="E-Mail",
    password="Passwort",
    workspace="Arbeitsbereich",
    workspace_hint="Ihre E-Mail meldet Sie in mehreren Arbeitsbereichen an: Wählen Sie einen.",
    sign_in="Anmelden",
    signed_out_notice="Sie sind abgemeldet.",
    form_problem="Bitte korrigieren Sie das Problem unten.",
    clock_title="Stempeluhr",
    clock_state_out="Sie sind ausgestempelt.",
    clock_state_in="Eingestempelt seit {since}.",
    clock_state_break="In der Pause seit {since} (eingestempelt seit {clocked_in}).",
    clock_in="Einstempeln",
    clock_out="Ausstempeln",
    break_start="Pause beginnen",
    break_end="Pause beenden",
    no_employee_record=(
        "Sie haben keinen Mitarbeiterdatensatz und können daher keine Zeit erfassen; eine "
        "Administratorin oder ein Administrator kann Sie mit einem verknüpfen."
    ),
    timer_title="Stoppuhr",
    timer_running="Läuft seit {since} für {activity}.",
    timer_idle="Keine Stoppuhr läuft.",
    timer_start="Stoppuhr starten",
    timer_stop="Stoppuhr anhalten",
    week_title="Woche ab {first}",
    week_previous="Vorige Woche",
    week_next="Nächste Woche",
    week_this="Diese Woche",
    presence_title="Anwesenheit",
    presence_none="Keine Anwesenheit in dieser Woche.",
    presence_open="noch da",
    started="Kommen",
    ended="Gehen",
    breaks="Pausen",
    worked="Gearbeitet",
    entries_title="Zeiteinträge",
    entries_none="Keine Einträge in dieser Woche.",
    entry_add="Eintrag hinzufügen",
    entry_edit="Bearbeiten",
    entry_delete="Löschen",
    entry_save="Speichern",
    entry_locked="Gesperrt",
    entry_locked_notice="Dieser Eintrag ist gesperrt: Er kann nicht mehr geändert werden.",
    entry_booked_by_timeoff=(
        "Von einem Abwesenheitsantrag gebucht: Stornieren Sie den Antrag, um ihn zu ändern."
    ),
    totals_title="Summen",
    day="Tag",
    norm="Soll",
    credited="Angerechnet",
    flex="Gleitzeit",
    total="Woche",
    balances_title="Salden",
    balances_none="Keine Salden.",
    date="Datum",
    duration="Dauer",
    duration_hint="Stunden und Minuten, etwa 1:30, oder Stunden, etwa 1,5.",
    duration_unreadable="Schreiben Sie die Dauer als Stunden:Minuten (1:30) oder Stunden (1,5).",
    activity="Tätigkeit",
    project="Projekt",
    no_project="Kein Projekt",
    note="Notiz",
    cancel="Abbrechen",
    timeoff_title="Meine Abwesenheiten",
    timeoff_balances="Salden",
    timeoff_policy="Art",
    timeoff_balance="Saldo",
    timeoff_pending="Beantragt",
    timeoff_planned="Geplant",
    timeoff_available="Verfügbar",
    timeoff_requests="Anträge",
    timeoff_none="Noch keine Anträge.",
    timeoff_request="Abwesenheit beantragen",
    timeoff_start="Erster Tag",
    timeoff_end="Letzter Tag",
    timeoff_portion="Umfang",
    portion_full="Ganze Tage",
    portion_first_half="Erste Tageshälfte",
    portion_second_half="Zweite Tageshälfte",
    timeoff_cancel="Antrag stornieren",
    unit_days="{amount} Tage",
    unit_hours="{amount} Std.",
    status_names={
        "requested": "Wartet auf Genehmigung",
        "approved": "Genehmigt",
        "rejected": "Abgelehnt",
        "cancelled": "Storniert",
        "draft": "Entwurf",
        "submitted": "Eingereicht",
        "settled": "Abgerechnet",
        "exported": "Exportiert",
    },
    statements_title="Meine Abrechnungen",
    statements_none="Noch keine Abrechnungen.",
    statement_overtime="Überstunden",
    statement_payout="Auszahlen",
    statement_payout_hint=(
        "Wie viel der Überstunden ausgezahlt wird; der Rest geht auf Ihr Gleitzeitkonto."
    ),
    statement_submit="Einreichen",
    statement_stale=(
        "Ihre Zeiten haben sich nach dem Einreichen geändert: Ziehen Sie zurück und reichen "
        "Sie erneut ein."
    ),
    statement_errors="{count} Problem(e) vor dem Einreichen zu beheben.",
    password_title="Passwort ändern",
    current_password="Aktuelles Passwort",
    new_password="Neues Passwort",
    password_change="Passwort ändern",
    password_changed="Ihr Passwort ist geändert; Ihre anderen Sitzungen sind abgemeldet.",
    error_title={
        400: "Diese Anfrage kann nicht bearbeitet werden",
        403: "Das dürfen Sie nicht",
        404: "Nicht gefunden",
        409: "Das geht gerade nicht",
        422: "Das geht nicht",
        423: "Gesperrt",
        429: "Zu viele Versuche",
        500: "Etwas ist schiefgegangen",
    },
    error_help="Wenn das wieder passiert, wenden Sie sich an Ihre Administration.",
    error_request_id="Nennen Sie bei einer Meldung die Anfrage-ID {request_id}.",
    csrf_refused=(
        "Dieses Formular ist abgelaufen oder kam von einer anderen Website. Laden Sie die "
        "Seite neu und versuchen Sie es noch einmal."
    ),
    back_home="Zurück zu heute",
    # team pages
    team_title="Mein Team heute",
    team_views="Teamansichten",
    team_today_link="Heute",
    team_week_link="Teamwoche",
    team_week_title="Teamwoche ab {first}",
    team_week_legend=(
        "Je Tag: gearbeitet, dann in Einträgen erfasst, dann das Soll (Stunden:Minuten)."
    ),
    team_unit="Organisationseinheit",
    team_all_units="Alle Einheiten",
    team_show="Anzeigen",
    team_summary="Übersicht",
    team_people="Personen",
    team_name="Name",
    team_state="Status",
    team_entries="Einträge",
    team_since="seit {since}",
    team_none="Niemand anzuzeigen.",
    team_states={
        "in": "Da",
        "on_break": "In der Pause",
        "out": "Gegangen",
        "off": "Abwesend",
        "forgot": "Ausstempeln vergessen",
        "not_in": "Noch nicht da",
    },
    # approval pages
    approvals_title="Genehmigungen",
    approvals_kind="Art",
    approvals_all_kinds="Alle Arten",
    approvals_show="Anzeigen",
    approvals_kind_names={
        "timeoff": "Abwesenheit",
        "statement": "Abrechnung",
        "project_entries": "Projektwoche",
    },
    approvals_empty="Nichts wartet auf Ihre Entscheidung. Alles erledigt!",
    approvals_empty_filtered="Nichts dieser Art wartet auf Ihre Entscheidung.",
    approvals_period="Zeitraum",
    approvals_asked="Beantragt",
    approvals_requested_at="Eingereicht",
    approvals_statement_asked="{worked} gearbeitet von {norm}, Überstunden {overtime}",
    approvals_week_asked="{minutes} Std. in {entries} Einträgen",
    approvals_via_delegation="An Sie delegiert",
    approvals_item="{kind} von {name}",
    approvals_select="Auswählen",
    approvals_note="Kommentar",
    approvals_note_hint=(
        "Wird mit der Entscheidung gesendet; die Mitarbeiterin oder der Mitarbeiter sieht ihn."
    ),
    approvals_approve_selected="Auswahl genehmigen",
    approvals_reject_selected="Auswahl ablehnen",
    approvals_approve="Genehmigen",
    approvals_reject="Ablehnen",
    approvals_decided="Entschieden: {count}.",
    approvals_none_chosen=(
        "Wählen Sie mindestens einen Eintrag aus oder nutzen Sie dessen eigene Schaltfläche."
    ),
    approvals_not_decided="Nicht entschieden:",
    approvals_next_page="Nächste Seite",
    approvals_first_page="Erste Seite",
    # admin pages
    admin_employees="Mitarbeitende",
    admin_org_units="Organisationseinheiten",
    admin_activities="Tätigkeiten",
    admin_projects="Projekte",
    admin_api_keys="API-Schlüssel",
    admin_search="Suchen",
    admin_search_label="Name, E-Mail oder Nummer",
    admin_pages="Seiten",
    admin_first_page="Erste Seite",
    admin_next_page="Nächste Seite",
    admin_none="Noch nichts vorhanden.",
    admin_create="Anlegen",
    admin_save="Speichern",
    admin_name="Name",
    admin_effective_from="Gültig ab",
    admin_effective_hint="Die Werte gelten ab diesem Tag; die Tage davor behalten ihre.",
    admin_history="Verlauf",
    admin_from="Von",
    admin_to="Bis",
    admin_open_ended="bis auf Weiteres",
    admin_date_unreadable="Bitte ein Datum als JJJJ-MM-TT angeben.",
    admin_employee_new="Neue Mitarbeiterin / neuer Mitarbeiter",
    admin_employee_edit="Mitarbeitende bearbeiten",
    admin_employee_number="Personalnummer",
    admin_first_name="Vorname",
    admin_last_name="Nachname",
    admin_org_unit="Organisationseinheit",
    admin_no_org_unit="Keine Organisationseinheit",
    admin_terms="Arbeitsbedingungen",
    admin_no_terms="Keine Arbeitsbedingungen",
    admin_user="Meldet sich an als",
    admin_no_user="Niemand (keine Anmeldung)",
    admin_weekly_pattern="Geplante Stunden je Wochentag",
    admin_weekdays=(
        "Montag",
        "Dienstag",
        "Mittwoch",
        "Donnerstag",
        "Freitag",
        "Samstag",
        "Sonntag",
    ),
    admin_week_hours="Stunden pro Woche",
    admin_employee_delete="Mitarbeitende löschen",
    admin_employee_delete_hint=(
        "Der Eintrag verschwindet aus den Listen; die Zeiten bleiben, und die Person kann wieder "
        "verknüpft werden."
    ),
    admin_org_unit_tree="Die Organisation",
    admin_org_unit_new="Neue Organisationseinheit",
    admin_org_unit_edit="Organisationseinheit bearbeiten",
    admin_unit_type="Art",
    admin_unit_types={
        "project": "Projekt",
        "subsidiary": "Tochtergesellschaft",
        "partner": "Partner",
        "client": "Kunde",
        "supplier": "Lieferant",
        "branch": "Niederlassung",
        "department": "Abteilung",
        "team": "Team",
        "other": "Sonstige",
    },
    admin_parent="Gehört zu",
    admin_no_parent="Nichts (oberste Ebene)",
    admin_valid_to="Gültig bis",
    admin_org_unit_delete="Organisationseinheit löschen",
    admin_org_unit_delete_hint=(
        "Nur eine Einheit ohne Einheiten oder Mitarbeitende darunter kann gelöscht werden."
    ),
    admin_keys_intro=(
        "Mit API-Schlüsseln nutzen Programme die API. Das Geheimnis eines Schlüssels wird nur "
        "einmal gezeigt, wenn er ausgestellt wird."
    ),
    admin_service_users="Dienstkonten",
    admin_service_users_none="Noch keine Dienstkonten.",
    admin_service_user_new="Neues Dienstkonto",
    admin_role="Rolle",
    admin_my_keys="Meine persönlichen Schlüssel",
    admin_keys_none="Keine Schlüssel.",
    admin_key_name="Name des Schlüssels",
    admin_key_prefix="Präfix",
    admin_key_created="Erstellt",
    admin_key_last_used="Zuletzt benutzt",
    admin_key_never_used="nie",
    admin_key_expires="Läuft ab",
    admin_key_no_expiry="nie",
    admin_key_expires_hint="Optional: Der Schlüssel gilt nicht mehr, sobald dieser Tag beginnt.",
    admin_key_issue="Schlüssel ausstellen",
    admin_key_revoke="Widerrufen",
    admin_key_revoke_named="{name} ({prefix}) widerrufen",
    admin_key_created_title="Der neue API-Schlüssel",
    admin_key_shown_once="Der Schlüssel wird nur dieses eine Mal gezeigt. Jetzt kopieren.",
    admin_key_owner="Für",
    admin_key_secret="Schlüssel",
    admin_key_copy_hint=(
        "Schlüssel markieren und in die Einstellungen des Programms kopieren; er kann nicht wieder "
        "gezeigt, nur widerrufen werden."
    ),
    admin_key_usage="Programme senden ihn im Header Authorization: Bearer, gefolgt vom Schlüssel.",
    admin_back_to_keys="Zurück zu den API-Schlüsseln",
    catalog_as_of="Stand",
    catalog_show="Anzeigen",
    catalog_archived_filters={
        "all": "Alle",
        "live": "Nicht archiviert",
        "archived": "Archiviert",
    },
    catalog_apply="Anzeigen",
    catalog_in_force_on="Gültig am {day}",
    catalog_none="Nichts anzuzeigen.",
    catalog_pages="Seiten",
    catalog_page="Seite {page}",
    catalog_previous="Vorige Seite",
    catalog_next="Nächste Seite",
    catalog_name="Name",
    catalog_key="Schlüssel",
    catalog_key_hint="Optional: ein fester Code aus Buchstaben, Ziffern, _ . und -.",
    catalog_type="Art",
    catalog_type_names={
        "work": "Arbeit",
        "timeoff": "Abwesenheit",
        "non-work": "Keine Arbeit",
        "allowance": "Zulage",
    },
    catalog_parent="Übergeordnete Tätigkeit",
    catalog_no_parent="Keine (oberste Ebene)",
    catalog_billable="Abrechenbar",
    catalog_requires_project="Braucht ein Projekt",
    catalog_hourly_rate="Stundensatz",
    catalog_hourly_rate_in="Stundensatz ({currency})",
    catalog_amount_unreadable="Geben Sie einen Betrag wie 85,50 ein.",
    catalog_color="Farbe",
    catalog_color_hint="Optional, als #RRGGBB.",
    catalog_archived="Archiviert",
    catalog_yes="Ja",
    catalog_no="Nein",
    catalog_effective_from="Gültig ab",
    catalog_effective_from_hint="Vor diesem Datum gibt es sie nicht.",
    catalog_change="Ändern",
    catalog_change_from="Ändern ab",
    catalog_change_from_hint=(
        "Die Werte unten gelten ab diesem Datum; davor bleiben die bisherigen Werte."
    ),
    catalog_save="Änderung speichern",
    catalog_history="Verlauf",
    catalog_version_from="Von",
    catalog_version_until="Bis",
    catalog_open_ended="Bis auf Weiteres",
    catalog_superseded="Am selben Tag ersetzt",
    catalog_delete="Löschen",
    catalog_delete_hint="Nur möglich, solange nichts mehr darauf verweist.",
    catalog_new_activity="Neue Tätigkeit",
    catalog_create_activity="Tätigkeit anlegen",
    catalog_edit_activity="Tätigkeit {name}",
    catalog_back_to_activities="Alle Tätigkeiten",
    catalog_customers="Kunden",
    catalog_customer="Kunde",
    catalog_no_customer="Kein Kunde",
    catalog_new_customer="Neuer Kunde",
    catalog_create_customer="Kunden anlegen",
    catalog_manager_approval="Braucht die Genehmigung der Projektleitung",
    catalog_budget="Budget",
    catalog_budget_kinds={"none": "Kein Budget", "hours": "Stunden", "money": "Geld"},
    catalog_budget_amount="Budgetbetrag",
    catalog_budget_hint=(
        "Stunden (120 oder 7:30) für ein Stundenbudget, {currency} für ein Geldbudget."
    ),
    catalog_hours_unreadable="Geben Sie Stunden wie 120, 7,5 oder 7:30 ein.",
    catalog_new_project="Neues Projekt",
    catalog_create_project="Projekt anlegen",
    catalog_edit_project="Projekt {name}",
    catalog_back_to_projects="Alle Projekte",
    # kiosk page
    kiosk_title="Terminal",
    kiosk_setup_title="Dieses Terminal einrichten",
    kiosk_setup_hint=(
        "Eine Administratorin oder ein Administrator fügt das Geräte-Token des Terminals "
        "(tl_kd_…) ein, das beim Anlegen des Terminals einmal angezeigt wurde. Dieser Browser "
        "behält es; hier meldet sich niemand an."
    ),
    kiosk_token="Geräte-Token",
    kiosk_set_up="Terminal einrichten",
    kiosk_token_refused=(
        "Das ist kein Geräte-Token eines Terminals, oder das Token wurde ersetzt."
    ),
    kiosk_token_lost=(
        "Das Geräte-Token dieses Terminals gilt nicht mehr: Es wurde ersetzt oder das "
        "Terminal gelöscht. Die Administration kann es neu einrichten."
    ),
    kiosk_settings="Einstellungen des Terminals",
    kiosk_forget="Dieses Terminal vergessen",
    kiosk_forget_hint=(
        "Entfernt das Geräte-Token aus diesem Browser: Das Terminal muss neu eingerichtet werden."
    ),
    kiosk_identify_title="Kommen oder gehen",
    kiosk_badge="Ausweisnummer",
    kiosk_pin="PIN",
    kiosk_continue="Weiter",
    kiosk_unknown="An diesem Terminal ist kein Ausweis mit dieser PIN bekannt.",
    kiosk_unreadable="Geben Sie Ihre Ausweisnummer und Ihre PIN (4 bis 8 Ziffern) ein.",
    kiosk_locked=(
        "Zu viele falsche PINs für diesen Ausweis: Versuchen Sie es in {minutes} Min. erneut."
    ),
    kiosk_greeting="Hallo, {name}",
    kiosk_states={
        "out": "Sie sind ausgestempelt.",
        "in": "Sie sind eingestempelt.",
        "on_break": "Sie sind in der Pause.",
    },
    kiosk_done={
        "clock_in": "Eingestempelt um {time}, {name}.",
        "clock_out": "Ausgestempelt um {time}, {name}. Auf Wiedersehen!",
        "break_start": "Pause begonnen um {time}, {name}.",
        "break_end": "Pause beendet um {time}, {name}. Willkommen zurück!",
    },
    kiosk_visit_expired="Das hat zu lange gedauert: Bitte melden Sie sich noch einmal an.",
    kiosk_next_person="Nächste Person",
)

NORWEGIAN = Strings(
    app_name="Timeledger",
    skip_to_content="Gå til innholdet",
    nav_label="Hovedmeny",
    nav_today="I dag",
    nav_week="Min uke",
    nav_timeoff="Mitt fravær",
    nav_statements="Mine oppgjør",
    nav_password="Passord",
    nav_team="Team",
    nav_approvals="Godkjenninger",
    nav_admin="Administrasjon",
    sign_out="Logg ut",
    signed_in_as="Logget inn som {name}",
    sign_in_title="Logg inn",
    email="E-post",
    password="Passord",
    workspace="Arbeidsområde",
    workspace_hint="E-posten din logger inn i flere arbeidsområder: velg ett.",
    sign_in="Logg inn",
    signed_out_notice="Du er logget ut.",
    form_problem="Rett opp problemet nedenfor.",
    clock_title="Stemplingsur",
    clock_state_out="Du er stemplet ut.",
    clock_state_in="Stemplet inn siden {since}.",
    clock_state_break="På pause siden {since} (stemplet inn siden {clocked_in}).",
    clock_in="Stemple inn",
    clock_out="Stemple ut",
    break_start="Start pause",
    break_end="Avslutt pausen",
    no_employee_record=(
        "Du har ingen ansattpost og kan derfor ikke registrere tid; en administrator kan "
        "koble deg til en."
    ),
    timer_title="Stoppeklokke",
    timer_running="Går siden {since} på {activity}.",
    timer_idle="Ingen stoppeklokke går.",
    timer_start="Start stoppeklokke",
    timer_stop="Stopp stoppeklokke",
    week_title="Uken fra {first}",
    week_previous="Forrige uke",
    week_next="Neste uke",
    week_this="Denne uken",
    presence_title="Tilstedeværelse",
    presence_none="Ingen tilstedeværelse denne uken.",
    presence_open="fortsatt inne",
    started="Inn",
    ended="Ut",
    breaks="Pauser",
    worked="Arbeidet",
    entries_title="Timeføringer",
    entries_none="Ingen føringer denne uken.",
    entry_add="Legg til en føring",
    entry_edit="Endre",
    entry_delete="Slett",
    entry_save="Lagre",
    entry_locked="Låst",
    entry_locked_notice="Denne føringen er låst: den kan ikke lenger endres.",
    entry_booked_by_timeoff="Ført av en fraværssøknad: trekk søknaden for å endre den.",
    totals_title="Summer",
    day="Dag",
    norm="Norm",
    credited="Godskrevet",
    flex="Fleks",
    total="Uke",
    balances_title="Saldoer",
    balances_none="Ingen saldoer.",
    date="Dato",
    duration="Varighet",
    duration_hint="Timer og minutter, som 1:30, eller timer, som 1,5.",
    duration_unreadable="Skriv varigheten som timer:minutter (1:30) eller timer (1,5).",
    activity="Aktivitet",
    project="Prosjekt",
    no_project="Uten prosjekt",
    note="Notat",
    cancel="Avbryt",
    timeoff_title="Mitt fravær",
    timeoff_balances="Saldoer",
    timeoff_policy="Type",
    timeoff_balance="Saldo",
    timeoff_pending="Venter",
    timeoff_planned="Planlagt",
    timeoff_available="Tilgjengelig",
    timeoff_requests="Søknader",
    timeoff_none="Ingen søknader ennå.",
    timeoff_request="Søk om fravær",
    timeoff_start="Første dag",
    timeoff_end="Siste dag",
    timeoff_portion="Omfang",
    portion_full="Hele dager",
    portion_first_half="Første halvdel av dagen",
    portion_second_half="Andre halvdel av dagen",
    timeoff_cancel="Trekk søknaden",
    unit_days="{amount} dager",
    unit_hours="{amount} t",
    status_names={
        "requested": "Venter på godkjenning",
        "approved": "Godkjent",
        "rejected": "Avslått",
        "cancelled": "Trukket",
        "draft": "Utkast",
        "submitted": "Levert",
        "settled": "Oppgjort",
        "exported": "Eksportert",
    },
    statements_title="Mine oppgjør",
    statements_none="Ingen oppgjør ennå.",
    statement_overtime="Overtid",
    statement_payout="Utbetal",
    statement_payout_hint="Hvor mye av overtiden som skal utbetales; resten går til fleks.",
    statement_submit="Lever",
    statement_stale="Tiden din er endret etter at du leverte: trekk tilbake og lever på nytt.",
    statement_errors="{count} problem(er) å rette før du kan levere.",
    password_title="Bytt passord",
    current_password="Nåværende passord",
    new_password="Nytt passord",
    password_change="Bytt passord",
    password_changed="Passordet er byttet; de andre øktene dine er logget ut.",
    error_title={
        400: "Denne forespørselen kan ikke behandles",
        403: "Dette har du ikke lov til",
        404: "Ikke funnet",
        409: "Dette går ikke nå",
        422: "Dette går ikke",
        423: "Låst",
        429: "For mange forsøk",
        500: "Noe gikk galt",
    },
    error_help="Hvis dette skjer igjen, si fra til administratoren.",
    error_request_id="Oppgi forespørsels-ID {request_id} når du melder fra.",
    csrf_refused=(
        "Skjemaet er utløpt eller ble sendt fra et annet nettsted. Last inn siden på nytt og "
        "prøv igjen."
    ),
    back_home="Tilbake til i dag",
    # team pages
    team_title="Mitt team i dag",
    team_views="Teamvisninger",
    team_today_link="I dag",
    team_week_link="Teamuke",
    team_week_title="Teamuken fra {first}",
    team_week_legend="Hver dag: arbeidet, så registrert i føringer, så normen (timer:minutter).",
    team_unit="Organisasjonsenhet",
    team_all_units="Alle enheter",
    team_show="Vis",
    team_summary="Oversikt",
    team_people="Personer",
    team_name="Navn",
    team_state="Status",
    team_entries="Føringer",
    team_since="siden {since}",
    team_none="Ingen å vise.",
    team_states={
        "in": "Inne",
        "on_break": "På pause",
        "out": "Gått",
        "off": "Fravær",
        "forgot": "Glemt å stemple ut",
        "not_in": "Ikke kommet",
    },
    # approval pages
    approvals_title="Godkjenninger",
    approvals_kind="Type",
    approvals_all_kinds="Alle typer",
    approvals_show="Vis",
    approvals_kind_names={
        "timeoff": "Fravær",
        "statement": "Oppgjør",
        "project_entries": "Prosjektuke",
    },
    approvals_empty="Ingenting venter på din avgjørelse. Alt er gjort!",
    approvals_empty_filtered="Ingenting av denne typen venter på din avgjørelse.",
    approvals_period="Periode",
    approvals_asked="Søkt om",
    approvals_requested_at="Sendt inn",
    approvals_statement_asked="{worked} arbeidet av {norm}, overtid {overtime}",
    approvals_week_asked="{minutes} t i {entries} føringer",
    approvals_via_delegation="Delegert til deg",
    approvals_item="{kind} for {name}",
    approvals_select="Velg",
    approvals_note="Kommentar",
    approvals_note_hint="Sendes med avgjørelsen; den ansatte ser den.",
    approvals_approve_selected="Godkjenn valgte",
    approvals_reject_selected="Avvis valgte",
    approvals_approve="Godkjenn",
    approvals_reject="Avvis",
    approvals_decided="Avgjort: {count}.",
    approvals_none_chosen="Velg minst én, eller bruk knappen ved den.",
    approvals_not_decided="Ikke avgjort:",
    approvals_next_page="Neste side",
    approvals_first_page="Første side",
    # admin pages
    admin_employees="Ansatte",
    admin_org_units="Organisasjonsenheter",
    admin_activities="Aktiviteter",
    admin_projects="Prosjekter",
    admin_api_keys="API-nøkler",
    admin_search="Søk",
    admin_search_label="Navn, e-post eller nummer",
    admin_pages="Sider",
    admin_first_page="Første side",
    admin_next_page="Neste side",
    admin_none="Ingenting her ennå.",
    admin_create="Opprett",
    admin_save="Lagre",
    admin_name="Navn",
    admin_effective_from="Gjelder fra",
    admin_effective_hint="Verdiene gjelder fra denne dagen; dagene før beholder sine.",
    admin_history="Historikk",
    admin_from="Fra",
    admin_to="Til",
    admin_open_ended="inntil videre",
    admin_date_unreadable="Oppgi en dato som ÅÅÅÅ-MM-DD.",
    admin_employee_new="Ny ansatt",
    admin_employee_edit="Rediger ansatt",
    admin_employee_number="Ansattnummer",
    admin_first_name="Fornavn",
    admin_last_name="Etternavn",
    admin_org_unit="Organisasjonsenhet",
    admin_no_org_unit="Ingen organisasjonsenhet",
    admin_terms="Ansettelsesvilkår",
    admin_no_terms="Ingen ansettelsesvilkår",
    admin_user="Logger inn som",
    admin_no_user="Ingen (ingen innlogging)",
    admin_weekly_pattern="Planlagte timer per ukedag",
    admin_weekdays=("Mandag", "Tirsdag", "Onsdag", "Torsdag", "Fredag", "Lørdag", "Søndag"),
    admin_week_hours="Timer per uke",
    admin_employee_delete="Slett ansatt",
    admin_employee_delete_hint=(
        "Posten fjernes fra listene; tidene blir stående, og personen kan kobles til igjen."
    ),
    admin_org_unit_tree="Organisasjonen",
    admin_org_unit_new="Ny organisasjonsenhet",
    admin_org_unit_edit="Rediger organisasjonsenhet",
    admin_unit_type="Type",
    admin_unit_types={
        "project": "Prosjekt",
        "subsidiary": "Datterselskap",
        "partner": "Partner",
        "client": "Kunde",
        "supplier": "Leverandør",
        "branch": "Filial",
        "department": "Avdeling",
        "team": "Team",
        "other": "Annet",
    },
    admin_parent="Hører til",
    admin_no_parent="Ingenting (øverste nivå)",
    admin_valid_to="Gyldig til",
    admin_org_unit_delete="Slett organisasjonsenhet",
    admin_org_unit_delete_hint="Bare en enhet uten enheter eller ansatte under seg kan slettes.",
    admin_keys_intro=(
        "Med API-nøkler bruker programmer API-et. En nøkkels hemmelighet vises bare én gang, når "
        "den utstedes."
    ),
    admin_service_users="Tjenestebrukere",
    admin_service_users_none="Ingen tjenestebrukere ennå.",
    admin_service_user_new="Ny tjenestebruker",
    admin_role="Rolle",
    admin_my_keys="Mine personlige nøkler",
    admin_keys_none="Ingen nøkler.",
    admin_key_name="Nøkkelens navn",
    admin_key_prefix="Prefiks",
    admin_key_created="Opprettet",
    admin_key_last_used="Sist brukt",
    admin_key_never_used="aldri",
    admin_key_expires="Utløper",
    admin_key_no_expiry="aldri",
    admin_key_expires_hint="Valgfritt: nøkkelen slutter å virke når denne dagen begynner.",
    admin_key_issue="Utsted en nøkkel",
    admin_key_revoke="Trekk tilbake",
    admin_key_revoke_named="Trekk tilbake {name} ({prefix})",
    admin_key_created_title="Den nye API-nøkkelen",
    admin_key_shown_once="Nøkkelen vises bare denne ene gangen. Kopier den nå.",
    admin_key_owner="For",
    admin_key_secret="Nøkkel",
    admin_key_copy_hint=(
        "Merk nøkkelen og kopier den inn i programmets innstillinger; den kan ikke vises igjen, "
        "bare trekkes tilbake."
    ),
    admin_key_usage="Programmer sender den i headeren Authorization: Bearer, fulgt av nøkkelen.",
    admin_back_to_keys="Tilbake til API-nøklene",
    catalog_as_of="Per",
    catalog_show="Vis",
    catalog_archived_filters={"all": "Alle", "live": "Ikke arkivert", "archived": "Arkivert"},
    catalog_apply="Vis",
    catalog_in_force_on="Gjelder {day}",
    catalog_none="Ingenting å vise.",
    catalog_pages="Sider",
    catalog_page="Side {page}",
    catalog_previous="Forrige side",
    catalog_next="Neste side",
    catalog_name="Navn",
    catalog_key="Nøkkel",
    catalog_key_hint="Valgfritt: en fast kode av bokstaver, sifre, _ . og -.",
    catalog_type="Type",
    catalog_type_names={
        "work": "Arbeid",
        "timeoff": "Fravær",
        "non-work": "Ikke arbeid",
        "allowance": "Tillegg",
    },
    catalog_parent="Overordnet aktivitet",
    catalog_no_parent="Ingen (øverste nivå)",
    catalog_billable="Fakturerbar",
    catalog_requires_project="Krever et prosjekt",
    catalog_hourly_rate="Timepris",
    catalog_hourly_rate_in="Timepris ({currency})",
    catalog_amount_unreadable="Skriv et beløp som 85,50.",
    catalog_color="Farge",
    catalog_color_hint="Valgfritt, som #RRGGBB.",
    catalog_archived="Arkivert",
    catalog_yes="Ja",
    catalog_no="Nei",
    catalog_effective_from="Gjelder fra",
    catalog_effective_from_hint="Den finnes ikke før denne datoen.",
    catalog_change="Endre",
    catalog_change_from="Endre fra",
    catalog_change_from_hint=(
        "Verdiene nedenfor gjelder fra denne datoen; før den gjelder de tidligere verdiene."
    ),
    catalog_save="Lagre endringen",
    catalog_history="Historikk",
    catalog_version_from="Fra",
    catalog_version_until="Til",
    catalog_open_ended="Inntil videre",
    catalog_superseded="Erstattet samme dag",
    catalog_delete="Slett",
    catalog_delete_hint="Bare mulig når ingenting lenger viser til den.",
    catalog_new_activity="Ny aktivitet",
    catalog_create_activity="Opprett aktiviteten",
    catalog_edit_activity="Aktivitet {name}",
    catalog_back_to_activities="Alle aktiviteter",
    catalog_customers="Kunder",
    catalog_customer="Kunde",
    catalog_no_customer="Ingen kunde",
    catalog_new_customer="Ny kunde",
    catalog_create_customer="Opprett kunden",
    catalog_manager_approval="Krever godkjenning fra prosjektlederen",
    catalog_budget="Budsjett",
    catalog_budget_kinds={"none": "Uten budsjett", "hours": "Timer", "money": "Penger"},
    catalog_budget_amount="Budsjettbeløp",
    catalog_budget_hint=(
        "Timer (120 eller 7:30) for et timebudsjett, {currency} for et pengebudsjett."
    ),
    catalog_hours_unreadable="Skriv timer som 120, 7,5 eller 7:30.",
    catalog_new_project="Nytt prosjekt",
    catalog_create_project="Opprett prosjektet",
    catalog_edit_project="Prosjekt {name}",
    catalog_back_to_projects="Alle prosjekter",
    # kiosk page
    kiosk_title="Terminal",
    kiosk_setup_title="Sett opp denne terminalen",
    kiosk_setup_hint=(
        "En administrator limer inn terminalens enhetsnøkkel (tl_kd_…), som ble vist én gang "
        "da terminalen ble registrert. Nettleseren tar vare på den; ingen logger inn her."
    ),
    kiosk_token="Enhetsnøkkel",
    kiosk_set_up="Sett opp terminalen",
    kiosk_token_refused="Dette er ikke en terminals enhetsnøkkel, eller nøkkelen er byttet ut.",
    kiosk_token_lost=(
        "Enhetsnøkkelen til denne terminalen virker ikke lenger: den er byttet ut, eller "
        "terminalen er slettet. En administrator kan sette den opp igjen."
    ),
    kiosk_settings="Innstillinger for terminalen",
    kiosk_forget="Glem denne terminalen",
    kiosk_forget_hint="Fjerner enhetsnøkkelen fra nettleseren: terminalen må settes opp igjen.",
    kiosk_identify_title="Stemple inn eller ut",
    kiosk_badge="Kortnummer",
    kiosk_pin="PIN",
    kiosk_continue="Fortsett",
    kiosk_unknown="Ingen kort med denne PIN-koden er kjent på denne terminalen.",
    kiosk_unreadable="Skriv kortnummeret ditt og PIN-koden din (4 til 8 sifre).",
    kiosk_locked="For mange feil PIN-koder for dette kortet: prøv igjen om {minutes} min.",
    kiosk_greeting="Hei, {name}",
    kiosk_states={
        "out": "Du er stemplet ut.",
        "in": "Du er stemplet inn.",
        "on_break": "Du har pause.",
    },
    kiosk_done={
        "clock_in": "Stemplet inn kl. {time}, {name}.",
        "clock_out": "Stemplet ut kl. {time}, {name}. Ha det bra!",
        "break_start": "Pause startet kl. {time}, {name}.",
        "break_end": "Pause avsluttet kl. {time}, {name}. Velkommen tilbake!",
    },
    kiosk_visit_expired="Det tok for lang tid: identifiser deg på nytt.",
    kiosk_next_person="Neste person",
)

CATALOGUES: dict[str, Strings] = {"en": ENGLISH, "de": GERMAN, "nb": NORWEGIAN, "no": NORWEGIAN}


def strings_for(language: str) -> Strings:
    """The catalogue of `language` (a BCP 47 tag such as `nb-NO`), else English."""
    return CATALOGUES.get(language.split("-")[0].lower(), ENGLISH)
