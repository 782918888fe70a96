// Lets GOV.UK Frontend's CSS know scripts run. Loaded as a file, not inline: the
// Content-Security-Policy allows no inline script.
document.body.className += " js-enabled govuk-frontend-supported";
