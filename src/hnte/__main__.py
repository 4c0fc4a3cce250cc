from hnte.cli import main

raise SystemExit(main())
