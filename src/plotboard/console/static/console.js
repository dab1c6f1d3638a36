// plotboard admin console: small progressive enhancements. Every page works without this file;
// with it, copying is one click, tests and saves happen in place, and the sandbox shows data.
"use strict";
(() => {
  document.documentElement.classList.add("js");
  const csrf = () => document.querySelector('meta[name="csrf-token"]')?.content || "";
  const $$ = (selector, root = document) => Array.from(root.querySelectorAll(selector));

  // Posts a form (plus the clicked button's name/value) and answers the fragment's text.
  async function postForm(form, extra) {
    const body = new URLSearchParams(new FormData(form));
    if (extra && extra.name) body.set(extra.name, extra.value);
    // getAttribute: a form holding an input named "action" hides the form's own .action.
    const response = await fetch(form.getAttribute("action") || location.href, {
      method: "POST",
      body,
      credentials: "same-origin",
      headers: { "X-Console-Fetch": "1", "X-Console-Page": location.pathname + location.search },
    });
    if (response.redirected) {  // signed out meanwhile: show the sign-in page
      location.href = response.url;
      return null;
    }
    return { ok: response.ok, html: await response.text() };
  }

  function notice(kind, text) {
    const box = document.createElement("div");
    box.className = "notice " + kind;
    box.setAttribute("role", kind === "error" ? "alert" : "status");
    box.textContent = text;
    return box;
  }

  // --- copy buttons -------------------------------------------------------------------------
  for (const button of $$("button[data-copy]")) {
    button.addEventListener("click", async () => {
      const source = document.getElementById(button.dataset.copy);
      if (!source) return;
      const text = "value" in source && source.value !== undefined ? source.value : source.textContent;
      try {
        await navigator.clipboard.writeText(text.trim());
      } catch {
        const area = document.createElement("textarea");
        area.value = text.trim();
        document.body.appendChild(area);
        area.select();
        document.execCommand("copy");
        area.remove();
      }
      const label = button.textContent;
      button.textContent = "Copied";
      button.classList.add("copied");
      setTimeout(() => { button.textContent = label; button.classList.remove("copied"); }, 1800);
    });
  }

  // A page shown in answer to a POST (a new key's secret): a reload must not post again.
  const replace = document.querySelector("[data-replace-url]");
  if (replace) history.replaceState(null, "", replace.dataset.replaceUrl);

  // --- buttons that answer in place (Test connection, Test) -----------------------------------
  for (const button of $$("button[data-fetch]")) {
    button.addEventListener("click", async (event) => {
      const target = document.querySelector(button.dataset.fetch);
      if (!target || !button.form) return;
      event.preventDefault();
      const label = button.textContent;
      button.disabled = true;
      button.textContent = "Testing…";
      target.replaceChildren(notice("info", "Trying it now…"));
      try {
        const answer = await postForm(button.form, button);
        if (answer) target.innerHTML = answer.html;
      } catch {
        target.replaceChildren(notice("error", "The console could not reach the server. Check your connection and try again."));
      } finally {
        button.disabled = false;
        button.textContent = label;
      }
    });
  }

  // --- catalog rows that save as you edit -----------------------------------------------------
  // On a table with an access rule, the answer says what end users read of the saved text:
  // its note and "every user may read it" box go under the field at once.
  function showEndUserNote(form, saved) {
    const box = form.querySelector("[data-end-user-row]");
    if (!box || !saved) return;
    const text = saved.dataset.endUserNoteText || "";
    const canConfirm = saved.dataset.canConfirm === "1";
    const note = box.querySelector("[data-end-user-note]");
    const confirm = box.querySelector("[data-end-user-confirm]");
    if (note) { note.textContent = text; note.hidden = !text; }
    if (confirm) {
      confirm.hidden = !canConfirm;
      const input = confirm.querySelector("input");
      if (input) input.checked = saved.dataset.reviewed === "1";
    }
    box.hidden = !text && !canConfirm;
  }
  for (const form of $$("form[data-autosave]")) {
    const state = form.querySelector("[data-save-state]");
    const save = async () => {
      if (state) { state.className = "save-state"; state.textContent = "Saving…"; }
      try {
        const answer = await postForm(form);
        if (!answer) return;
        const holder = document.createElement("div");
        holder.innerHTML = answer.html;
        if (state) {
          state.className = "save-state " + (answer.ok ? "ok" : "error");
          state.textContent = answer.ok ? "Saved ✓" : holder.textContent.trim();
        }
        showEndUserNote(form, holder.querySelector("[data-end-user-shown]"));
        const hidden = form.querySelector('input[name="hidden"]');
        const row = form.classList.contains("col-grid") ? form : form.closest("section");
        if (answer.ok && hidden && row) row.classList.toggle("is-hidden-row", hidden.checked);
      } catch {
        if (state) { state.className = "save-state error"; state.textContent = "Not saved: the server could not be reached."; }
      }
    };
    form.addEventListener("change", save);
    form.addEventListener("submit", (event) => { event.preventDefault(); save(); });
  }

  // --- AI settings: endpoint fields only for an endpoint ---------------------------------------
  const aiForm = document.querySelector("form[data-ai-form]");
  if (aiForm) {
    const fields = aiForm.querySelector("[data-endpoint-fields]");
    const sync = () => {
      const engine = aiForm.querySelector('input[name="engine"]:checked');
      if (fields) fields.hidden = !engine || engine.value !== "openai";
    };
    aiForm.addEventListener("change", sync);
    sync();
  }

  // --- token sandbox: what the token sees, and the live editor --------------------------------
  const peek = document.querySelector("[data-peek]");
  const minted = document.querySelector("[data-token]");
  if (peek && minted) showWhatTokenSees(peek, minted.dataset.token);

  // Same-origin calls, like the preview's editor: the console's own address always works.
  async function showWhatTokenSees(section, token) {
    const rows = section.querySelector("[data-peek-rows]");
    const call = async (method, path, body) => {
      const response = await fetch(path, {
        method,
        headers: { Authorization: "Bearer " + token, "Content-Type": "application/json" },
        body: body ? JSON.stringify(body) : undefined,
      });
      const data = await response.json().catch(() => ({}));
      if (!response.ok) throw new Error(data.detail || response.statusText);
      return data;
    };
    try {
      const catalog = await call("GET", "/api/v1/embed/catalog");
      const lines = [];
      for (const source of catalog.sources || []) {
        for (const table of source.tables || []) {
          const name = table.schema ? table.schema + "." + table.name : table.name;
          let count = "—", filters = "", seen = NaN;
          try {
            const answer = await call("POST", "/api/v1/embed/query", {
              source: source.id,
              query: { table: name, measures: [{ agg: "count" }] },
            });
            seen = Number(answer.rows?.[0]?.[0] ?? 0);
            count = seen.toLocaleString();
            filters = (answer.security_filters || []).join("; ") || "no access rule: every row";
          } catch (err) {
            filters = "refused: " + err.message;
          }
          const line = document.createElement("div");
          line.className = "peek-row";
          line.dataset.table = name;
          const label = document.createElement("span");
          label.textContent = (catalog.sources.length > 1 ? source.name + " · " : "") + (table.display_name || name);
          const number = document.createElement("strong");
          number.dataset.count = count;
          number.textContent = count + (seen === 1 ? " row" : " rows");
          const why = document.createElement("code");
          why.textContent = filters;
          line.append(label, number, why);
          lines.push(line);
        }
      }
      rows.replaceChildren(...(lines.length ? lines : [notice("warn", "This token sees no tables: connect a database and open it to users (on its page under Databases), or check that its tables are not all hidden.")]));
    } catch (err) {
      rows.replaceChildren(notice("error", "The token was refused: " + err.message));
    }
  }

  const editor = document.getElementById("sandbox-editor");
  const editorStatus = document.querySelector("[data-editor-status]");
  if (editor && editorStatus) {
    editor.addEventListener("plotboard:ready", () => { editorStatus.textContent = "The editor is ready: build a chart to see the rows this user may see."; });
    editor.addEventListener("plotboard:error", (event) => { editorStatus.textContent = "The editor reported: " + (event.detail?.message || "an error"); });
  }

  // --- Analyze (tables page): profile tables, review the proposals, apply the chosen ones ----
  const analyze = document.querySelector("[data-analyze]");
  if (analyze) setUpAnalyze(analyze);

  function setUpAnalyze(section) {
    const start = section.querySelector("[data-analyze-start]");
    const progress = section.querySelector("[data-analyze-progress]");
    const bar = progress.querySelector(".bar");
    const fill = progress.querySelector(".bar > span");
    const status = section.querySelector("[data-analyze-status]");
    const box = section.querySelector("[data-analyze-proposals]");
    const semanticTypes = (section.dataset.semanticTypes || "").split(",").filter(Boolean);
    const api = async (method, path, body) => {
      const response = await fetch(path, {
        method,
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf() },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const data = await response.json().catch(() => ({}));
      if (!response.ok) throw new Error(data.detail || response.statusText);
      return data;
    };
    const show = (fraction, text) => {
      const percent = Math.round(Math.max(0, Math.min(1, fraction || 0)) * 100);
      fill.style.width = percent + "%";
      bar.setAttribute("aria-valuenow", String(percent));
      status.textContent = text;
    };
    const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

    // Follow a job to its end, then show its proposals.
    async function follow(job) {
      start.disabled = true;
      progress.hidden = false;
      try {
        while (job.status === "queued" || job.status === "running") {
          const where = job.current_table ? ` — ${job.current_table}${job.current_column ? "." + job.current_column : ""}` : "";
          show(job.progress, `Analyzing… ${Math.round((job.progress || 0) * 100)}%${where}`);
          await sleep(400);
          job = await api("GET", `/api/v1/admin/analyze/${job.id}?detail=false`);
        }
        if (job.status !== "done") throw new Error(job.error || "the job stopped.");
        show(1, "Done. Review the proposals: nothing is saved until you apply them.");
        job = await api("GET", `/api/v1/admin/analyze/${job.id}`);
        renderProposals(job.id, job.proposals || []);
      } catch (err) {
        status.textContent = "Analyze did not finish: " + err.message;
      } finally {
        start.disabled = false;
      }
    }

    let started = false;
    start.addEventListener("click", async () => {
      started = true;
      const tables = $$('input[name="analyze_table"]:checked', section).map((b) => b.value);
      progress.hidden = false;
      if (!tables.length) { show(0, "Choose at least one table."); return; }
      const overwrite = section.querySelector('input[name="analyze_overwrite"]')?.checked || false;
      start.disabled = true;
      box.replaceChildren();
      show(0, "Starting…");
      let job;
      try {
        job = await api("POST", `/api/v1/admin/sources/${section.dataset.source}/analyze`, { tables, overwrite });
      } catch (err) {
        status.textContent = "Analyze did not finish: " + err.message;
        start.disabled = false;
        return;
      }
      await follow(job);
    });

    // A reload (or coming back to the page) used to lose a finished job's proposals, and a
    // running job's progress: the newest job of this source picks up where it was, until it
    // is applied or dismissed.
    const DISMISSED = "plotboard.analyze.dismissed";
    const dismissed = () => { try { return JSON.parse(localStorage.getItem(DISMISSED) || "[]"); } catch { return []; } };
    async function resume() {
      let jobs;
      try {
        jobs = (await api("GET", `/api/v1/admin/sources/${section.dataset.source}/analyze`)).jobs || [];
      } catch { return; }
      const job = jobs[0];
      if (!job || job.applied_at || dismissed().includes(job.id)) return;
      if (started) return;  // the admin started another one meanwhile
      if (job.status === "queued" || job.status === "running") { await follow(job); return; }
      if (job.status !== "done") return;
      const detail = await api("GET", `/api/v1/admin/analyze/${job.id}`).catch(() => null);
      if (!detail || !(detail.proposals || []).length || started) return;
      progress.hidden = false;
      const when = new Date(job.finished_at || job.created_at).toLocaleString();
      show(1, `Proposals of the Analyze of ${when}${job.created_by ? " by " + job.created_by : ""}, not applied yet: nothing is saved until you apply them.`);
      renderProposals(job.id, detail.proposals, true);
    }

    function input(value, label, field) {
      const element = document.createElement("input");
      element.type = "text";
      element.value = value ?? "";
      element.dataset.field = field;
      element.dataset.proposed = value ?? "";
      element.setAttribute("aria-label", label);
      return element;
    }

    function select(value, label) {
      const element = document.createElement("select");
      element.dataset.field = "semantic_type";
      element.dataset.proposed = value ?? "";
      element.setAttribute("aria-label", label);
      for (const option of ["", ...semanticTypes]) {
        const item = document.createElement("option");
        item.value = option;
        item.textContent = option ? option.replace(/_/g, " ") : "—";
        item.selected = option === (value ?? "");
        element.append(item);
      }
      return element;
    }

    function renderProposals(jobId, proposals, restored = false) {
      if (!proposals.length) { box.replaceChildren(notice("info", "Nothing to propose for these tables.")); return; }
      const form = document.createElement("form");
      form.className = "proposals";
      const head = document.createElement("div");
      head.className = "proposal head";
      for (const title of ["Apply", "Display name", "Description", "Semantic type"]) {
        const cell = document.createElement("span");
        cell.textContent = title;
        head.append(cell);
      }
      form.append(head);
      for (const proposal of proposals) {
        const target = proposal.column ? `${proposal.table}.${proposal.column}` : proposal.table;
        const row = document.createElement("div");
        row.className = "proposal";
        row.dataset.proposal = target;
        row._proposal = proposal;
        const keep = document.createElement("label");
        keep.className = "check col-name";
        const tick = document.createElement("input");
        tick.type = "checkbox";
        const edited = proposal.edited || [];
        const current = proposal.current || {};
        const fields = proposal.fields || {};
        const changes = Object.keys(fields).some((f) => (fields[f] ?? "") !== (current[f] ?? ""));
        tick.checked = changes && edited.length === 0;
        keep.append(tick, document.createTextNode(" " + target));
        if (edited.length) {
          const note = document.createElement("small");
          note.textContent = "you edited " + edited.join(", ").replace(/_/g, " ");
          keep.append(note);
        }
        row.append(
          keep,
          input(fields.display_name, "Display name for " + target, "display_name"),
          input(fields.description, "Description for " + target, "description"),
          proposal.column ? select(fields.semantic_type, "Semantic type for " + target) : document.createElement("span"),
        );
        form.append(row);
      }
      const apply = document.createElement("button");
      apply.type = "submit";
      apply.textContent = "Apply the ticked proposals";
      const actions = document.createElement("div");
      actions.className = "form-actions";
      actions.append(apply);
      if (restored) {
        const dismiss = document.createElement("button");
        dismiss.type = "button";
        dismiss.className = "secondary";
        dismiss.dataset.analyzeDismiss = "";
        dismiss.textContent = "Dismiss these proposals";
        dismiss.addEventListener("click", () => {
          try { localStorage.setItem(DISMISSED, JSON.stringify([...dismissed(), jobId].slice(-50))); } catch { /* private mode */ }
          box.replaceChildren();
          progress.hidden = true;
        });
        actions.append(dismiss);
      }
      form.append(actions);
      form.addEventListener("submit", async (event) => {
        event.preventDefault();
        const accept = $$(".proposal[data-proposal]", form)
          .filter((row) => row.querySelector('input[type="checkbox"]').checked)
          .map((row) => {
            const entry = { table: row._proposal.table, column: row._proposal.column };
            for (const field of $$("[data-field]", row)) {
              // Only what the admin reworded is sent as their own value.
              if (field.value !== field.dataset.proposed) entry[field.dataset.field] = field.value;
            }
            return entry;
          });
        if (!accept.length) { form.prepend(notice("warn", "Tick at least one proposal.")); return; }
        // Text already in the catalog (written by an admin, or applied before) is replaced only
        // once the admin has said so: list what would go.
        const replaced = replacing(form);
        if (replaced.length && form.dataset.confirmed !== "yes") { askToReplace(form, replaced); return; }
        delete form.dataset.confirmed;
        apply.disabled = true;
        try {
          const result = await api("POST", `/api/v1/admin/analyze/${jobId}/apply`, { accept });
          const kept = (result.kept || []).length;
          box.replaceChildren(notice("ok", `Applied ${result.applied} changes` + (kept ? `; kept ${kept} of your own edits.` : ".") + " Reloading…"));
          setTimeout(() => location.reload(), 600);
        } catch (err) {
          apply.disabled = false;
          form.prepend(notice("error", "Not applied: " + err.message));
        }
      });
      // Any change to the ticks or the words asks again.
      form.addEventListener("input", () => {
        delete form.dataset.confirmed;
        form.querySelector("[data-analyze-confirm]")?.remove();
      });
      box.replaceChildren(form);
    }

    const FIELD_WORDS = { display_name: "display name", description: "description", semantic_type: "semantic type" };

    void resume();

    // "orders.status: description" for each ticked field whose value in the catalog now is not
    // empty and would change.
    function replacing(form) {
      const found = [];
      for (const row of $$(".proposal[data-proposal]", form)) {
        if (!row.querySelector('input[type="checkbox"]').checked) continue;
        const current = row._proposal.current || {};
        for (const field of $$("[data-field]", row)) {
          const now = current[field.dataset.field] ?? "";
          const proposedOrTyped = field.value !== "" || field.value !== field.dataset.proposed;
          if (now !== "" && proposedOrTyped && field.value !== now) {
            found.push(`${row.dataset.proposal}: ${FIELD_WORDS[field.dataset.field] || field.dataset.field}`);
          }
        }
      }
      return found;
    }

    function askToReplace(form, replaced) {
      form.querySelector("[data-analyze-confirm]")?.remove();
      const box = document.createElement("div");
      box.className = "notice warn confirm";
      box.setAttribute("role", "alertdialog");
      box.setAttribute("aria-labelledby", "analyze-confirm-text");
      box.dataset.analyzeConfirm = "";
      const text = document.createElement("p");
      text.id = "analyze-confirm-text";
      const shown = replaced.slice(0, 8).join("; ") + (replaced.length > 8 ? `; and ${replaced.length - 8} more` : "");
      text.textContent = `Applying replaces ${replaced.length === 1 ? "a text" : replaced.length + " texts"} already in the catalog, which your users' editor and the AI read: ${shown}. Untick what you want to keep.`;
      const yes = document.createElement("button");
      yes.type = "button";
      yes.className = "danger";
      yes.dataset.confirmApply = "";
      yes.textContent = replaced.length === 1 ? "Replace it" : `Replace ${replaced.length}`;
      yes.addEventListener("click", () => { form.dataset.confirmed = "yes"; box.remove(); form.requestSubmit(); });
      const no = document.createElement("button");
      no.type = "button";
      no.className = "secondary";
      no.textContent = "Cancel";
      no.addEventListener("click", () => { box.remove(); form.querySelector('button[type="submit"]')?.focus(); });
      const actions = document.createElement("div");
      actions.className = "form-actions";
      actions.append(yes, no);
      box.append(text, actions);
      form.querySelector(".form-actions").before(box);
      yes.focus();
    }
  }
})();
