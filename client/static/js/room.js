/* Kring room page (/r/{room}#KEY, client/templates/room.html): the entry module. It imports the
 * room's components (room/*.js, one file per panel) and the board tools (tools/*.js); each module
 * registers its Alpine components when it runs (core/store.js), before Alpine starts. */
import "./core/conn.js";
import "./room/bar.js";
import "./room/room.js";
import "./room/cues.js";
import "./room/followup.js";
import "./room/attendance.js";
import "./room/case.js";
import "./room/knowledge.js";
import "./room/cards.js";
import "./room/outcomes.js";
import "./room/earlier.js";
import "./room/evaluation.js";
import "./room/people.js";
import "./room/device.js";
import "./room/timer.js";
import "./room/facilitator.js";
import "./room/notes.js";
import "./room/drafts.js";
import "./tools/mindmap.js";
import "./tools/forcefield.js";
import "./tools/vote.js";
import "./tools/plan.js";
import "./tools/pairs.js";
import "./tools/drawing.js";
