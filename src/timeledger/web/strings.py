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


ENGLISH = Strings(
    app_name="Timeledger",
    skip_to_content="Skip to content",
    nav_label="Main",
    nav_today="Today",
    nav_week="My week",
    nav_timeoff="My time off",
    nav_statements="My statements",
    nav_password="Password",
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
)

CATALOGUES: dict[str, Strings] = {"en": ENGLISH, "de": GERMAN, "nb": NORWEGIAN, "no": NORWEGIAN}


def strings_for(language: str) -> Strings:
    """The catalogue of `language` (a BCP 47 tag such as `nb-NO`), else English."""
    return CATALOGUES.get(language.split("-")[0].lower(), ENGLISH)
