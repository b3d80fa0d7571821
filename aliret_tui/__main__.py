from aliret_tui.main import main

raise SystemExit(main())
