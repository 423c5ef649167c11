from django import forms

from outsidein.core.forms import WorkspaceModelForm
from outsidein.core.pickers import use_picker
from outsidein.customers.models import Account, Competitor, Person, Product, Segment


class SegmentForm(WorkspaceModelForm):
    class Meta:
        model = Segment
        fields = ["name", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class AccountForm(WorkspaceModelForm):
    class Meta:
        model = Account
        fields = ["name", "segment", "annual_revenue", "tier", "account_manager", "external_id", "website", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_picker(self.fields["account_manager"], "member", self.workspace)


class PersonForm(WorkspaceModelForm):
    class Meta:
        model = Person
        fields = ["name", "email", "title", "account", "role", "external_id", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        use_picker(self.fields["account"], "account", self.workspace)


class CompetitorForm(WorkspaceModelForm):
    class Meta:
        model = Competitor
        fields = ["name", "aliases", "competitor_class", "notes"]
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}


class ProductForm(WorkspaceModelForm):
    class Meta:
        model = Product
        fields = ["name", "product_class", "target_segments", "non_target_segments", "go_to_market"]
        widgets = {
            "go_to_market": forms.Textarea(attrs={"rows": 4}),
            "target_segments": forms.CheckboxSelectMultiple,
            "non_target_segments": forms.CheckboxSelectMultiple,
        }

    def clean(self):
        data = super().clean()
        both = set(data.get("target_segments") or []) & set(data.get("non_target_segments") or [])
        if both:
            names = ", ".join(sorted(s.name for s in both))
            self.add_error("non_target_segments", f"A segment cannot be both a target and not a target: {names}.")
        return data


class ImportForm(forms.Form):
    file = forms.FileField(help_text="A UTF-8 CSV file with a header row.")
