from django import forms

from outsidein.site.review.periods import PERIOD_FORMATS, Period, PeriodError, parse_period


class ReviewPeriodForm(forms.Form):
    period = forms.CharField(label="Period", max_length=20,
                             help_text=f"A quarter, a month or a year: {PERIOD_FORMATS}.")

    def clean_period(self) -> Period:
        try:
            return parse_period(self.cleaned_data["period"])
        except PeriodError as error:
            raise forms.ValidationError(str(error)) from error

    def chosen(self) -> Period:
        period: Period = self.cleaned_data["period"]
        return period
