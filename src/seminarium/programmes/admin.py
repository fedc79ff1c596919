from django.contrib import admin

from .models import Participation, Programme, ProgrammeRole, Session, SessionRole


class SessionRoleInline(admin.TabularInline):
    model = SessionRole
    raw_id_fields = ["person"]
    extra = 0


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["__str__", "slug", "start_date", "end_date", "status"]
    list_filter = ["status", "delivery_mode"]
    search_fields = ["slug", "title"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "programme", "start", "end", "kind"]
    list_filter = ["programme", "kind"]
    inlines = [SessionRoleInline]


@admin.register(Participation)
class ParticipationAdmin(admin.ModelAdmin):
    list_display = ["person", "programme", "country", "kind", "status"]
    list_filter = ["programme", "country", "status"]
    raw_id_fields = ["person"]


@admin.register(ProgrammeRole)
class ProgrammeRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "programme", "role", "country"]
    list_filter = ["programme", "role"]
    raw_id_fields = ["user"]
