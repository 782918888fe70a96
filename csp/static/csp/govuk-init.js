// GOV.UK Frontend's components on the working pages (conditional reveal, character count,
// error summary, notification banners). A module, loaded as a file (the Content-Security-Policy
// allows no inline script); without scripts every field shows and the server does the rest.
import { initAll } from "../vendor/govuk-frontend-6.6.0/govuk-frontend.min.js";

initAll();
