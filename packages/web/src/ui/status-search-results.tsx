// Stub: status search belongs to the hashtags-and-status-search branch, whose file replaces this one at merge. It
// keeps the export the search page renders on its Statuses tab.

/** The statuses matching `q` (GET /search/statuses), newest first. */
export function StatusSearchResults({ q }: { q: string }) {
  return (
    <p className="muted" role="status">
      Status search for “{q}” is not available yet.
    </p>
  );
}
