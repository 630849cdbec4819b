import { QwcHotReloadElement, html, css } from 'qwc-hot-reload-element';
import { JsonRpc } from 'jsonrpc';
import { notifier } from 'notifier';
import '@vaadin/button';

/**
 * Controls page: resize the scheduler (Go's GOMAXPROCS(n)) and turn the once-a-second SCHED log line on or off.
 * Changes last until the app restarts; application.properties keeps the configured values.
 */
export class QwcGoroutinesControls extends QwcHotReloadElement {

    jsonRpc = new JsonRpc(this);

    static styles = css`
        :host { display: flex; flex-direction: column; gap: 1.5em; padding: 1em; }
        .row { display: flex; gap: 1em; align-items: center; }
        input[type=number] { width: 6em; font-size: 1em; }
        .error { color: var(--lumo-error-text-color); }
    `;

    static properties = {
        _controls: { state: true }
    };

    connectedCallback() {
        super.connectedCallback();
        this.hotReload();
    }

    hotReload() {
        this.jsonRpc.controls().then(r => this._controls = r.result);
    }

    render() {
        const c = this._controls;
        if (!c) {
            return html`<p>Loading…</p>`;
        }
        if (!c.running) {
            return html`<p>The scheduler is not running.</p>`;
        }
        return html`
            <div class="row">
                <label for="procs">Ps (procs, Go's GOMAXPROCS): now <b id="current">${c.procs}</b>, allowed 1..${c.maxProcs}</label>
                <input id="procs" type="number" min="1" max=${c.maxProcs} .value=${String(c.procs)}>
                <vaadin-button id="resize" theme="primary" @click=${() => this._resize()}>Resize</vaadin-button>
            </div>
            ${c.error ? html`<div id="error" class="error">${c.error}</div>` : ''}
            <div class="row">
                <label><input id="schedtrace" type="checkbox" .checked=${c.schedtrace}
                    @change=${e => this._trace(e.target.checked)}>
                    Log a SCHED line every second (logger io.quarkiverse.goroutines.schedtrace, Go's GODEBUG=schedtrace=1000)</label>
            </div>`;
    }

    _resize() {
        const n = parseInt(this.shadowRoot.getElementById('procs').value, 10);
        this.jsonRpc.resize({ procs: Number.isNaN(n) ? 0 : n }).then(r => {
            this._controls = r.result;
            if (r.result.error) {
                notifier.showErrorMessage(r.result.error);
            } else {
                notifier.showInfoMessage('Resized to ' + r.result.procs + ' Ps');
            }
        });
    }

    _trace(on) {
        this.jsonRpc.schedtrace({ enabled: on }).then(r => this._controls = r.result);
    }
}
customElements.define('qwc-goroutines-controls', QwcGoroutinesControls);
