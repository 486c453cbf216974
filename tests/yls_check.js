// Drive VS Code's YAML language server (yaml-language-server) over stdio, as the editor does:
// open each file with a `# yaml-language-server: $schema=` line and print the diagnostics it publishes.
// Usage: node yls_check.js SERVER FILES.json SCHEMA_DIR   (FILES.json: [[path, kind, text?], ...])
const { spawn } = require("child_process");
const fs = require("fs");
const [server, filesJson, schemaDir] = process.argv.slice(2);
const files = JSON.parse(fs.readFileSync(filesJson, "utf8"));
const srv = spawn(server, ["--stdio"]);
let buf = Buffer.alloc(0), id = 0;
const send = (m) => { const s = JSON.stringify({ jsonrpc: "2.0", ...m }); srv.stdin.write(`Content-Length: ${Buffer.byteLength(s)}\r\n\r\n${s}`); };
const diags = {};
srv.stdout.on("data", (d) => {
  buf = Buffer.concat([buf, d]);
  for (;;) {
    const h = buf.indexOf("\r\n\r\n"); if (h < 0) return;
    const len = +/Content-Length: (\d+)/.exec(buf.slice(0, h).toString())[1];
    if (buf.length < h + 4 + len) return;
    const msg = JSON.parse(buf.slice(h + 4, h + 4 + len).toString()); buf = buf.slice(h + 4 + len);
    if (msg.method === "textDocument/publishDiagnostics") diags[msg.params.uri] = msg.params.diagnostics;
    if (msg.method === "workspace/configuration") send({ id: msg.id, result: msg.params.items.map(() => ({ validate: true, schemaStore: { enable: false } })) });
    else if (msg.id !== undefined && msg.method) send({ id: msg.id, result: null });
  }
});
send({ id: ++id, method: "initialize", params: { processId: null, rootUri: null, capabilities: { workspace: { configuration: true } } } });
setTimeout(() => {
  send({ method: "initialized", params: {} });
  send({ method: "workspace/didChangeConfiguration", params: { settings: { yaml: { validate: true, schemaStore: { enable: false } } } } });
  files.forEach(([path, kind, text], i) => {
    const body = text !== undefined ? text : fs.readFileSync(path, "utf8");
    send({ method: "textDocument/didOpen", params: { textDocument: { uri: "file:///doc/" + i + "/" + path.replace(/^\//, ""), languageId: "yaml", version: 1,
      text: `# yaml-language-server: $schema=file://${schemaDir}/${kind}.schema.json\n` + body } } });
  });
  const started = Date.now();
  const finish = () => {
    let n = 0;
    for (const [uri, ds] of Object.entries(diags)) for (const d of ds) { n++; console.log(JSON.stringify([uri, d.range.start.line, d.message])); }
    console.log(JSON.stringify({ files: files.length, published: Object.keys(diags).length, diagnostics: n }));
    srv.kill(); process.exit(0);
  };
  // every file gets one publish (possibly empty); wait for all of them, at most 90 s
  const poll = setInterval(() => {
    if (Object.keys(diags).length >= files.length || Date.now() - started > 90000) { clearInterval(poll); setTimeout(finish, 1000); }
  }, 200);
}, 1000);
