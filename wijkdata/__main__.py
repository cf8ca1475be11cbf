import sys

from wijkdata.cli import main

sys.exit(main())
