import { createApp } from 'vue';
import '@plotboard/editor'; // defines <plotboard-editor>
import App from './App.vue';

createApp(App).mount('#app');
