// Asks for one base-map tile the way the map itself would (fetch, CORS) and tells the app
// whether it came. Plotly stops answering clicks on a map whose tiles fail before its
// first paint, so the app adds the base map only once this browser has fetched a tile.
// One fetch per tile address per page load, however often the app draws this; while it
// runs, <html data-kw-tegeltest="bezig"> (browser tests wait for it).
export default function (component) {
  const { data, setStateValue } = component;
  const url = data && data.url;
  if (!url) { return; }
  const proeven = (window.__kwTegeltest = window.__kwTegeltest || {});
  if (!proeven[url]) {
    document.documentElement.dataset.kwTegeltest = "bezig";
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), data.timeout_ms || 5000);
    proeven[url] = fetch(url, { mode: "cors", cache: "no-store", signal: controller.signal })
      .then((response) => response.ok, () => false)
      .finally(() => {
        clearTimeout(timer);
        document.documentElement.dataset.kwTegeltest = "klaar";
      });
  }
  proeven[url].then((bereikbaar) => setStateValue("bereikbaar", bereikbaar));
}
