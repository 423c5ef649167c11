"""Start-up stays light: the statistics libraries load when an analysis runs, not when the URL conf does.

scipy, statsmodels and scikit-learn together take over a second to import, which every page server start,
`outsidein` command and test process would pay. The check runs in a fresh interpreter because this test
process has usually imported them already through other tests.
"""

import os
import subprocess
import sys

HEAVY = ("scipy", "statsmodels", "sklearn", "pandas")

CODE = f"""
import sys
import django
django.setup()
from django.urls import resolve
resolve("/")
loaded = sorted({{name.split(".")[0] for name in sys.modules}} & set({HEAVY!r}))
print(",".join(loaded))
"""


def test_loading_the_url_conf_imports_no_statistics_library(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "outsidein.settings", "OUTSIDEIN_DATA_DIR": str(tmp_path)}
    done = subprocess.run([sys.executable, "-c", CODE], env=env, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "", f"imported at start-up: {done.stdout.strip()} (import it where it is used)"
