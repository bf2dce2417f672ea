// GraphiQL's start-up, as a file (the page's policy runs no inline script): Monaco's editor
// workers come from this service, and the options yoga renders travel in a JSON data block.
const WORKERS = {
  editorWorkerService: "/assets/graphiql/editor.worker.js",
  json: "/assets/graphiql/json.worker.js",
  graphql: "/assets/graphiql/graphql.worker.js",
};

self.MonacoEnvironment = {
  globalAPI: false,
  getWorkerUrl: (_moduleId, label) => WORKERS[label] ?? WORKERS.editorWorkerService,
};

// Deferred scripts run in order before DOMContentLoaded: by then graphiql.js has defined YogaGraphiQL.
document.addEventListener("DOMContentLoaded", () => {
  const options = JSON.parse(document.getElementById("graphiql-options").textContent);
  globalThis.YogaGraphiQL.renderYogaGraphiQL(document.getElementById("root"), options);
});
