/// The `--help` texts. Kept in one place so the README's usage section can be checked against them.
enum Help {
    static func text(for topic: String) -> String {
        switch topic {
        case "export": return export
        default: return main
        }
    }

    static let main = """
        reconcile: provision users from a Microsoft Entra ID export into a SCIM 2.0 store.

        USAGE:
          reconcile --snapshot PATH --store DB --plan [--out PLAN.json] [--format text|json]
          reconcile --snapshot PATH --store DB --apply
          reconcile --apply-plan PLAN.json --store DB
          reconcile export --store DB

        OPTIONS:
          --snapshot PATH       Graph /users export: a page file, a JSON array, or a folder of pages
          --store DB            the embedded SQLite SCIM store (created on first --apply)
          --plan                show what would change; change nothing
          --apply               plan, then apply the plan
          --apply-plan FILE     apply a reviewed plan file; refused (exit 6) if the store changed since
          --out FILE            also write the plan file (JSON) to FILE          (default: none)
          --format text|json    how the plan is printed on stdout                (default: text)
          --config FILE         configuration file (JSON)           (default: none, UiPath mapping)
          --delete-missing      delete, not disable, managed users missing from the snapshot
                                                                                 (default: disable)
          --detailed-exitcode   exit 2 when the plan has changes                 (default: off)
          -h, --help            show this help

        SUBCOMMANDS:
          export                print the store's users as a SCIM ListResponse

        EXIT CODES:
          0 success or nothing to do · 1 error, nothing applied · 2 plan has changes (--detailed-exitcode)
          5 partial: some actions failed · 6 stale plan · 64 usage error

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
