test('leaves its poller running', () => {
  setInterval(function poll() {}, 1_000)
})
