// A link of the form /ui/#token=... logs in once: the fragment never reaches the server or its
// logs, and is removed from the address bar before the form is posted.
(function () {
  var m = /^#token=(.+)$/.exec(window.location.hash);
  if (!m) return;
  history.replaceState(null, "", window.location.pathname);
  document.getElementById("token").value = decodeURIComponent(m[1]);
  document.getElementById("login").submit();
})();
