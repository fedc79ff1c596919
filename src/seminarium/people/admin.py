from django.contrib import admin

from .models import Organisation, Person


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "short_name", "country", "kind"]
    list_filter = ["kind", "country"]
    search_fields = ["name", "short_name"]


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["__str__", "latin_family_name", "organisation", "email", "is_fictional"]
    list_filter = ["is_fictional", "preferred_language"]
    search_fields = [
        "family_name",
        "given_name",
        "latin_family_name",
        "chinese_name",
        "russian_name",
        "email",
    ]
    raw_id_fields = ["user", "organisation"]
