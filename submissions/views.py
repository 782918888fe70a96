from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from submissions.selectors import home_data


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "submissions/home.html", {"data": home_data(user=request.user)})
