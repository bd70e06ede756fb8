/// The `--help` texts. Kept in one place so the README's usage section can be checked against them.
///
/// Every option the parser accepts for a command is listed in that command's text with its default
/// (a test cross-checks them: `HelpOptionsTests`).
enum Help {
    /// The text for `reconcile help TOPIC` and `reconcile TOPIC --help`; `nil` for an unknown topic.
    static func text(for topic: String) -> String? {
        switch topic {
        case "", "plan", "apply", "recover": return main
        case "apply-plan": return applyPlan
        case "export": return export
        case "mapping": return mapping
        case "check": return check
        case "status": return status
        case "logs": return logs
        case "explain": return explain
        default: return nil
        }
    }

    static let main = """
        reconcile: provision users from a Microsoft Entra ID export into a SCIM 2.0 store.

        USAGE:
          reconcile --snapshot PATH --store DB --plan [--out PLAN.json] [--format text|json]
          reconcile --snapshot PATH --store DB --apply
          reconcile --snapshot PATH --store DB --recover
          reconcile --apply-plan PLAN.json --store DB
          reconcile export --store DB
          reconcile status --store DB
          reconcile logs --store DB [--user U] [--run ID] [--status S] [--action A] [--since T] [--format F]
          reconcile mapping [--config FILE] [--format text|json]
          reconcile check (--store DB | --target URL CREDENTIALS)
          reconcile help COMMAND        the options of a subcommand, or of apply-plan; the same as
                                        reconcile COMMAND --help

          A live SCIM endpoint replaces --store DB with --target URL CREDENTIALS --state FILE, where
          CREDENTIALS is --token-file F, --token-env NAME, or
          --token-endpoint URL --client-id ID --client-secret-file F [--scope S].

        MODE (exactly one is required):
          --plan                show what would change; change nothing
          --apply               plan, then apply the plan
          --recover             leave quarantine: check the target, clear the escrowed failures, apply
                                everything
          --apply-plan FILE     apply a reviewed plan file; refused (exit 6) if the store changed since
                                (its options: reconcile help apply-plan)

        OPTIONS:
          --snapshot PATH       the directory export: Graph /users pages (a file or a folder), a JSON
                                array, PowerShell JSON, or an admin-center CSV (users or bulk template)
                                                                                 (required)
          --snapshot-format F   json, csv or bulk-csv; auto judges each file     (default: auto)
          --assignments PATH    appRoleAssignedTo + group member pages (a file or a folder):
                                only assigned users are in scope        (default: none, all users)
          --store DB            the embedded SQLite SCIM store (created on first --apply)
                                                                    (required, or --target URL)
          --out FILE            also write the plan file (JSON) to FILE          (default: none)
          --format text|json    how the plan is printed on stdout                (default: text)
          --color WHEN          colour the printed plan: auto (when stdout is a terminal), always or
                                never; NO_COLOR (any value) or TERM=dumb turn it off (default: auto)
          --config FILE         configuration file (JSON)           (default: none, UiPath mapping)
          --delete-missing      delete, not disable, managed users missing from the snapshot
                                                                                 (default: disable)
          --detailed-exitcode   exit 2 when the plan has changes                 (default: off)
          --progress MODE       progress on stderr: bar, plain (a line every 5 s; seconds from
                                RECONCILE_PROGRESS_INTERVAL), none, or auto: a bar on a terminal,
                                plain otherwise                                  (default: auto)
          --metrics-file FILE   write the run's metrics (Prometheus text) to FILE at the end of every
                                run, failed and refused ones too, for node_exporter's textfile
                                collector; written whole or not at all           (default: none)
          -h, --help            show this help

        SAFETY (unattended runs; the configuration file's "safety" section sets the same):
          --deletion-threshold N|P%  at most N disables and deletes in one run, or P% of the managed
                                users; over it nothing is applied, they are staged, exit 3 (default: 500)
          --allow-deletions     apply disables and deletes over the threshold, after review (default: off)
          --allow-shrink        accept an empty snapshot, or one with over 20% fewer users than the last
                                successful run                                   (default: refused)
          --break-lock          take the lock of a run on another host, which cannot be checked
                                                                                 (default: off)
          --notify-command CMD  run CMD with /bin/sh -c and a summary on stdin when a run is held,
                                quarantined, fails or is partial                 (default: none)

        \(endpointOptions)
        SUBCOMMANDS:
          export                print the store's users as a SCIM ListResponse
          mapping               print the attribute mapping in effect (default, or --config FILE's)
          check                 test the connection (Entra's Test Connection) and show what the target supports
          status                recent runs, quarantine, escrowed failures, what to do next
          logs                  the provisioning log, filtered, as text, JSON or CSV
          explain USER          one user's way through each stage; --apply provisions just that user

        EXIT CODES:
          0 success or nothing to do · 1 error, nothing applied · 2 plan has changes (--detailed-exitcode)
          3 deletion threshold exceeded: nothing applied, quarantined · 4 quarantined or locked: nothing applied
          5 partial: some actions failed, escrowed for retry · 6 stale plan · 64 usage error

        """

    static let check = """
        reconcile check: test the connection to the target, changing nothing.

        For a live endpoint: GET /ServiceProviderConfig, then GET /Users?filter=userName eq "<random GUID>",
        which must answer an empty ListResponse (Entra's Test Connection). Prints what the endpoint
        supports (PATCH, Bulk and its limits, filter maxResults, sort, ETags); a failure is one line on
        stderr and exit 1.

        USAGE:
          reconcile check --store DB
          reconcile check --target URL (--token-file F | --token-env NAME | --token-endpoint URL
                          --client-id ID (--client-secret-file F | --client-secret-env NAME) [--scope S])

        OPTIONS:
          --store DB            the embedded SQLite SCIM store to open    (required, or --target URL)
          -h, --help            show this help

        LIVE SCIM ENDPOINT (in place of --store; secrets only from files or the environment):
          --target URL          the endpoint's base URL: https, plain http only to loopback
                                                                    (required, or --store DB)
        \(credentialOptions)
          --max-in-flight N     connections at once, 1 to 64                     (default: 8)
          --timeout SECONDS     seconds without an answer before a request fails (default: 60)
          --state FILE, --no-bulk
                                taken so that a run's endpoint options can be passed as they are;
                                check does not use them                  (default: none, off)

        """

    /// The options of a live SCIM endpoint, shared by the run and apply-plan texts.
    private static let endpointOptions = """
        LIVE SCIM ENDPOINT (in place of --store; secrets only from files or the environment):
          --target URL          the endpoint's base URL: https, plain http only to loopback
                                                                    (required, or --store DB)
          --state FILE          local state file: links, runs, provisioning log, escrow
                                (required with --target; created on the first --apply)
        \(credentialOptions)
          --max-in-flight N     requests at once, 1 to 64                        (default: 8)
          --no-bulk             one request per user, even where /Bulk is offered (default: off)
          --timeout SECONDS     seconds without an answer before a request fails (default: 60)

        """

    /// How an endpoint's credentials are given (never on the command line).
    static let credentialOptions = """
          --token-file F        file holding the bearer token                    (default: none)
          --token-env NAME      environment variable holding the bearer token    (default: none)
          --token-endpoint URL  OAuth 2.0 token endpoint (client credentials)    (default: none)
          --client-id ID        the OAuth client id                              (default: none)
          --client-secret-file F
                                file holding the OAuth client secret             (default: none)
          --client-secret-env NAME
                                environment variable holding the client secret   (default: none)
          --scope S             scope asked for with the client credentials      (default: none)
        """

    static let applyPlan = """
        reconcile --apply-plan: apply a reviewed plan file exactly as reviewed. The target is checked
        first: if any user or link changed since the plan was made, nothing is applied (exit 6). The
        guards of a run apply: the run lock, quarantine, the deletion threshold and escrow.

        USAGE:
          reconcile --apply-plan PLAN.json --store DB [--config FILE] [SAFETY] [--metrics-file FILE]
          reconcile --apply-plan PLAN.json --target URL CREDENTIALS --state FILE [--config FILE] [SAFETY]

          The plan comes from: reconcile --snapshot PATH --store DB --plan --out PLAN.json

        OPTIONS:
          --apply-plan FILE     the plan file written by --plan --out FILE       (required)
          --store DB            the embedded SQLite SCIM store the plan was made against (created
                                only for a plan made against no store)  (required, or --target URL)
          --config FILE         configuration file (JSON): its safety section, and with --target its
                                mapping's matching attributes       (default: none, UiPath mapping)
          --progress MODE       progress on stderr: bar, plain, none, or auto: a bar on a terminal,
                                plain otherwise                                  (default: auto)
          --metrics-file FILE   write the run's metrics (Prometheus text) to FILE at the end, failed
                                and refused runs too                             (default: none)
          -h, --help            show this help

        SAFETY (the configuration file's "safety" section sets the same):
          --deletion-threshold N|P%  at most N disables and deletes in one run, or P% of the managed
                                users; over it nothing is applied, they are staged, exit 3 (default: 500)
          --allow-deletions     apply disables and deletes over the threshold, after review (default: off)
          --break-lock          take the lock of a run on another host, which cannot be checked
                                                                                 (default: off)
          --notify-command CMD  run CMD with /bin/sh -c and a summary on stdin when a run is held,
                                quarantined, fails or is partial                 (default: none)

        \(endpointOptions)
        The options that make or print a plan are refused, since the plan is applied as reviewed:
        --snapshot, --snapshot-format, --assignments, --out, --format, --color, --delete-missing,
        --allow-shrink, --detailed-exitcode.

        EXIT CODES:
          0 applied · 1 error, nothing applied · 3 deletion threshold exceeded: nothing applied, quarantined
          4 quarantined or locked: nothing applied · 5 partial: some actions failed, escrowed for retry
          6 stale plan: the target changed since the plan; nothing applied · 64 usage error

        """

    static let mapping = """
        reconcile mapping: print the attribute mapping a run uses: each SCIM target, its source (a
        directory attribute, a constant or an expression), when it applies, its default and matching
        precedence. --format json prints it as a configuration file's "mapping" section, to save and edit.

        USAGE:
          reconcile mapping [--config FILE] [--format text|json]

        OPTIONS:
          --config FILE         configuration file (JSON)           (default: none, UiPath mapping)
          --format text|json    a table, or the configuration's own JSON shape   (default: text)
          -h, --help            show this help

        """

    static let status = """
        reconcile status: the job's health: quarantine, the run lock, recent runs with their counts,
        escrowed failures with their next retry, and what to do next.

        USAGE:
          reconcile status --store DB [--format text|json]
          reconcile status --state FILE [--format text|json]

        OPTIONS:
          --store DB            the embedded SQLite SCIM store
          --state FILE          the state file of a live endpoint
          --format text|json    text for people, JSON for monitoring            (default: text)
          -h, --help            show this help

        EXIT CODES:
          0 healthy · 4 quarantined · 5 needs attention (escrowed failures, or the last run failed)

        """

    static let logs = """
        reconcile logs: the provisioning log, one record per user and run: action (create, update,
        link, disable, delete, staged, skip, noChange), status (success, failure, skipped), source and
        target ids, modified properties, error code and reason, duration. Oldest first.

        USAGE:
          reconcile logs (--store DB | --state FILE) [FILTERS] [--format text|json|csv]

        OPTIONS:
          --store DB            the embedded SQLite SCIM store
          --state FILE          the state file of a live endpoint
          --user U              a userName (any case), source id or target id    (default: all)
          --run ID              one run (reconcile status lists them)            (default: all)
          --status S            success, failure or skipped                      (default: all)
          --action A            create, update, link, disable, delete, staged, skip or noChange
                                                                                 (default: all)
          --since T, --until T  a time (2026-03-04T02:30:00Z), a date (2026-03-04) or an age
                                (30m, 12h, 7d)                                    (default: all)
          --limit N             only the newest N records                        (default: all)
          --format F            text, json, or csv for spreadsheets (cells that would run as
                                formulas are prefixed with ')                    (default: text)
          -h, --help            show this help

        Records older than the retention period (safety.logRetentionDays, default 30 days) are
        deleted at the end of each run.

        """

    static let export = """
        reconcile export: print the store's users as a SCIM ListResponse (RFC 7644 §3.4.2) on stdout.

        USAGE:
          reconcile export --store DB

        OPTIONS:
          --store DB            the embedded SQLite SCIM store to read
          -h, --help            show this help

        """
}
