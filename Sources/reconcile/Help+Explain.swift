extension Help {
    static let explain = """
        reconcile explain: one user's way through the pipeline, stage by stage: the record imported and
        the values read, the scope decision (each assignment and filter clause), the match, each mapped
        attribute old and new, and the action the plan of the whole snapshot has for the user, with the
        guards that would hold it. Read-only: nothing is created, locked or written. --apply provisions
        just that user (Entra's "provision on demand").

        USAGE:
          reconcile explain USER --snapshot PATH --store DB [--format text|json] [--apply]
          reconcile explain USER --snapshot PATH --target URL CREDENTIALS --state FILE [--apply]

          USER is a directory object id, userPrincipalName or mail, or the target's userName,
          externalId or id, in any case. A name that matches nobody is an error with the closest
          names; one that matches several users lists them.

        OPTIONS:
          --snapshot PATH       the directory export (a file or a folder of pages), as for a run
          --snapshot-format F   json, csv or bulk-csv; auto judges each file     (default: auto)
          --assignments PATH    appRoleAssignedTo + group member pages: only assigned users are in
                                scope                                   (default: none, all users)
          --store DB            the embedded SQLite SCIM store; a missing one is explained as empty
                                and not created (--apply creates it)
          --config FILE         configuration file (JSON)           (default: none, UiPath mapping)
          --format text|json    text for people, JSON for tools; text only with --apply
                                                                                 (default: text)
          --delete-missing      plan deletes, not disables, of managed users missing from the
                                snapshot                                         (default: disable)
          --apply               apply this user's actions and nothing else, through the guarded
                                apply (run lock, provisioning log, run mode explain); refused
                                while the job is quarantined                     (default: off)
          -h, --help            show this help

        SAFETY (as for a run; they also decide what the guards section says):
          --deletion-threshold N|P%  at most N disables and deletes in one run, or P% of the managed
                                users                                            (default: 500)
          --allow-deletions     apply disables and deletes over the threshold    (default: off)
          --allow-shrink        accept a snapshot the partial-export guard refuses (default: refused)
          --break-lock          take the lock of a run on another host           (default: off)
          --notify-command CMD  run CMD when an --apply is held, quarantined, fails or is partial
                                                                                 (default: none)

        LIVE SCIM ENDPOINT (in place of --store; read-only without --apply):
          --target URL          the endpoint's base URL: https, plain http only to loopback
          --state FILE          local state file (a missing one is read as empty without --apply)
        \(credentialOptions)
          --max-in-flight N     requests at once, 1 to 64                        (default: 8)
          --no-bulk             one request per user, even where /Bulk is offered (default: off)
          --timeout SECONDS     seconds without an answer before a request fails (default: 60)

        EXIT CODES:
          0 explained (or applied) · 1 unknown or ambiguous USER, or bad input · 64 usage error
          with --apply as for a run: 3 deletion threshold exceeded · 4 quarantined or locked · 5 partial

        """
}
