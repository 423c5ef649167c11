"""English dates as the pages write them by hand ("1 Dec 2026"), so a date printed with Django's default format
reads the same as the others instead of "Dec. 1, 2026". Only display formats: what forms accept is unchanged."""

DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
MONTH_DAY_FORMAT = "j M"
YEAR_MONTH_FORMAT = "M Y"
TIME_FORMAT = "H:i"
