from django.http import HttpResponse


def stub(request, pk=None):  # type: ignore[no-untyped-def]
    return HttpResponse("")
