/* Kring group page (/g/{group}#KEY, client/templates/group.html): an intervisie group over time
 * (server/groups.py, HTTP API in server/group_views.py, docs/protocol.md "Groups"). The entry
 * module: it imports the page's components (group/*.js, one file per panel); each registers itself
 * with Alpine when it runs (core/store.js). */
import "./core/conn.js";
import "./group/page.js";
import "./group/meetings.js";
import "./group/werkvraag.js";
import "./group/thread.js";
import "./group/plans.js";
import "./group/trend.js";
import "./group/members.js";
import "./group/admin.js";
import "./group/erase.js";
import "./group/new-meeting.js";
import "./group/method-editor.js";
