// The web dashboard (coordinator/dashboard/): static files, embedded in the binary, served without
// a key at /ui/ (and / redirects there). They hold no tenant data: the page signs in with the
// tenant's key and asks the API for everything, as the CLI does. Served with a content security
// policy that allows only the dashboard's own scripts, styles and API, so that text from images
// (package names, refs) can never run as script even if a page inserted it as HTML.
#pragma once

namespace httplib {
class Server;
}

namespace strata::coordinator {

void add_dashboard_routes(httplib::Server& server);

}  // namespace strata::coordinator
