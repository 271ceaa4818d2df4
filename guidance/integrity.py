"""Guidance's integrity checks (`manage.py check_integrity`, through the registry)."""

from django.db.models import Q

from carehub.integrity import Check


def _erased_people_with_attention_text() -> list[str]:
    from .models import Attention

    text = ~Q(outcome="") | ~Q(notes="") | ~Q(question="") | ~Q(answer="") | ~Q(answer_key="")
    rows = Attention.objects.filter(person__erased_at__isnull=False).filter(text).values_list("pk", flat=True)
    return [f"attention {pk} of an erased person still holds free text" for pk in rows]


def _answered_without_answer() -> list[str]:
    from .models import Attention

    rows = Attention.objects.filter(status="answered", answer="", person__erased_at__isnull=True) \
        .values_list("pk", flat=True)
    return [f"attention {pk} is answered but has no answer" for pk in rows]


def checks() -> list[Check]:
    return [
        Check("erased_attentions_wiped", "An erased person's attentions hold no free text",
              _erased_people_with_attention_text),
        Check("answered_has_answer", "An answered online question has its answer", _answered_without_answer),
    ]
