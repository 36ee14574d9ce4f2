// Copy buttons: <button data-copy="text" onclick="orchestratorDashboard.copy(this)">.
window.orchestratorDashboard = {
    copy: function (button) {
        const text = button.getAttribute('data-copy') || '';
        const done = function () {
            button.classList.add('copied');
            button.setAttribute('aria-label', 'Copied');
            setTimeout(function () { button.classList.remove('copied'); }, 1200);
        };
        if (navigator.clipboard && window.isSecureContext) {
            navigator.clipboard.writeText(text).then(done, function () { fallback(text); done(); });
        } else {
            fallback(text);
            done();
        }
        function fallback(value) {
            const area = document.createElement('textarea');
            area.value = value;
            area.style.position = 'fixed';
            area.style.opacity = '0';
            document.body.appendChild(area);
            area.select();
            try { document.execCommand('copy'); } catch (e) { /* nothing else to try */ }
            document.body.removeChild(area);
        }
    }
};
