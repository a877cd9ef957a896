"""`python -m bytechat_tui` runs the same entry point as the `bytechat` script."""

from bytechat_tui.cli import main

raise SystemExit(main())
