// What tapping a LINE action does, as the LINE app would: message, postback, uri, datetimepicker,
// camera/cameraRoll, location, richmenuswitch, clipboard. `sim` is the page controller (app.js).
"use strict";

const Actions = (() => {
  const dialog = () => document.getElementById("dialog");

  // Shows the dialog with the given fields; resolves to {name: value} or null when cancelled.
  function ask(title, fields) {
    const d = dialog(), box = document.getElementById("dialog-fields");
    document.getElementById("dialog-title").textContent = title;
    box.replaceChildren();
    fields.forEach((f) => {
      const label = Render.el("label", null, f.label);
      const input = Render.el("input");
      Object.assign(input, { name: f.name, type: f.type || "text", value: f.value || "" });
      if (f.min) input.min = f.min;
      if (f.max) input.max = f.max;
      if (f.step) input.step = f.step;
      label.append(input);
      box.append(label);
    });
    return new Promise((resolve) => {
      const cancel = document.getElementById("dialog-cancel");
      const done = (ok) => {
        d.removeEventListener("close", onClose);
        cancel.onclick = null;
        if (!ok) return resolve(null);
        const values = {};
        box.querySelectorAll("input").forEach((i) => { values[i.name] = i.value; });
        resolve(values);
      };
      const onClose = () => done(d.returnValue === "ok");
      cancel.onclick = () => { d.close("cancel"); };
      d.addEventListener("close", onClose);
      d.returnValue = "";
      d.showModal();
    });
  }

  const pickerTypes = { date: "date", time: "time", datetime: "datetime-local" };

  async function datetimepicker(action, sim) {
    const mode = action.mode || "datetime";
    const values = await ask(action.label || "เลือกวันเวลา", [{ name: mode, label: "", type: pickerTypes[mode],
      value: action.initial, min: action.min, max: action.max }]);
    if (!values || !values[mode]) return;
    sim.send({ action: "postback", data: action.data, params: { [mode]: values[mode] } });
  }

  async function askLocation(sim) {
    const values = await ask("ส่งตำแหน่ง", [
      { name: "title", label: "ชื่อสถานที่", value: "ศูนย์พัฒนาเด็กเล็ก" },
      { name: "address", label: "ที่อยู่", value: "อ.เมือง จ.หนองบัวลำภู" },
      { name: "latitude", label: "ละติจูด", type: "number", step: "any", value: "17.2046" },
      { name: "longitude", label: "ลองจิจูด", type: "number", step: "any", value: "102.4407" },
    ]);
    if (values) sim.send({ action: "location", ...values });
  }

  async function richmenuswitch(action, sim) {
    await sim.switchMenu(action.richMenuAliasId);
    sim.send({ action: "postback", data: action.data, params: { newRichMenuAliasId: action.richMenuAliasId,
      status: "SUCCESS" } });
  }

  function run(action, sim) {
    switch (action.type) {
      case "message": return sim.send({ action: "text", text: action.text });
      case "postback":
        if (action.fillInText) sim.fillComposer(action.fillInText);
        return sim.send({ action: "postback", data: action.data, displayText: action.displayText || action.text });
      case "uri": return window.open(action.uri, "_blank");
      case "datetimepicker": return datetimepicker(action, sim);
      case "camera": case "cameraRoll": return sim.pickPhotos();
      case "location": return askLocation(sim);
      case "richmenuswitch": return richmenuswitch(action, sim);
      case "clipboard": return navigator.clipboard && navigator.clipboard.writeText(action.clipboardText);
      default: return sim.notice(`ยังไม่รองรับการกดแบบ ${action.type}`);
    }
  }

  return { run, ask, askLocation };
})();
